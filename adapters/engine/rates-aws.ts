/**
 * EC2 request budgets, per account and Region (one plan location: `<account>/<region>`).
 *
 * Source: "Request throttling for the Amazon EC2 API",
 * https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html, as tabled in
 * shared/CLOUD-FACTS-SCALE.md §1.5 and CLOUD-FACTS.md §1.6. The page says limits apply per
 * action; segsync keys buckets by category, which is never faster than per action (conservative),
 * and is exact for the one that bounds a rollout, ModifyNetworkInterfaceAttribute (its own bucket).
 */
import type { AwsStep } from '../../core/plan/aws-steps.ts';
import type { Step } from '../../core/plan/step.ts';
import type { RateTable } from './rates.ts';

const DOC =
  'CLOUD-FACTS-SCALE §1.5 / CLOUD-FACTS §1.6: https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html';

export const AWS_RATES: RateTable = {
  cloud: 'aws',
  location: 'account + Region',
  categories: {
    'non-mutating': { capacity: 100, refillPerSecond: 20, source: DOC, note: 'Describe* with filters or ids' },
    'unfiltered-non-mutating': {
      capacity: 50,
      refillPerSecond: 10,
      source: DOC,
      note: 'DescribeInstances / DescribeNetworkInterfaces / DescribeSecurityGroups unfiltered and unpaginated',
    },
    mutating: {
      capacity: 50,
      refillPerSecond: 5,
      source: DOC,
      note: 'default mutating: CreateSecurityGroup, *Egress, ModifyManagedPrefixList, … (category inferred [?])',
    },
    'resource-intensive': {
      capacity: 50,
      refillPerSecond: 5,
      source: DOC,
      note: 'AuthorizeSecurityGroupIngress, RevokeSecurityGroupIngress',
    },
    'modify-network-interface-attribute': {
      capacity: 100,
      refillPerSecond: 5,
      source: DOC,
      note: 'ModifyNetworkInterfaceAttribute (uncategorized, own bucket)',
    },
  },
  methods: {
    describeInstances: {
      categories: ['unfiltered-non-mutating'],
      write: false,
      filtered: { args: ['InstanceIds', 'Filters'], categories: ['non-mutating'] },
    },
    describeNetworkInterfaces: {
      categories: ['unfiltered-non-mutating'],
      write: false,
      filtered: { args: ['NetworkInterfaceIds', 'Filters'], categories: ['non-mutating'] },
    },
    describeSecurityGroups: {
      categories: ['unfiltered-non-mutating'],
      write: false,
      filtered: { args: ['GroupIds', 'Filters'], categories: ['non-mutating'] },
    },
    describeManagedPrefixLists: { categories: ['non-mutating'], write: false },
    createSecurityGroup: { categories: ['mutating'], write: true },
    deleteSecurityGroup: { categories: ['mutating'], write: true },
    authorizeSecurityGroupIngress: { categories: ['resource-intensive'], write: true },
    revokeSecurityGroupIngress: { categories: ['resource-intensive'], write: true },
    authorizeSecurityGroupEgress: { categories: ['mutating'], write: true },
    revokeSecurityGroupEgress: { categories: ['mutating'], write: true },
    modifyNetworkInterfaceAttribute: { categories: ['modify-network-interface-attribute'], write: true },
    createManagedPrefixList: { categories: ['mutating'], write: true },
    modifyManagedPrefixList: { categories: ['mutating'], write: true },
    deleteManagedPrefixList: { categories: ['mutating'], write: true },
  },
  fallback: { categories: ['mutating'], write: true },
  maxInFlight: 16,
  stepCalls: (step: Step) => awsStepCalls(step as AwsStep),
};

/** What adapters/aws/apply.ts calls for each step kind on the happy path (ids known or cached). */
function awsStepCalls(step: AwsStep): readonly string[] {
  switch (step.kind) {
    case 'create-group':
      return ['createSecurityGroup', 'describeSecurityGroups:filtered', 'revokeSecurityGroupEgress'];
    case 'authorize':
      return [step.direction === 'ingress' ? 'authorizeSecurityGroupIngress' : 'authorizeSecurityGroupEgress'];
    case 'revoke':
      return [step.direction === 'ingress' ? 'revokeSecurityGroupIngress' : 'revokeSecurityGroupEgress'];
    case 'set-membership':
      return ['modifyNetworkInterfaceAttribute'];
    case 'delete-group':
      return ['deleteSecurityGroup'];
    case 'create-prefix-list':
      return ['describeManagedPrefixLists', 'createManagedPrefixList'];
    case 'add-prefix-list-entries':
    case 'remove-prefix-list-entries':
    case 'resize-prefix-list':
      return ['modifyManagedPrefixList'];
    case 'delete-prefix-list':
      return ['deleteManagedPrefixList'];
  }
}
