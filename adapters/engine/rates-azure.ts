/**
 * Azure budgets, per subscription (one plan location). Every write counts twice: against ARM's
 * subscription write bucket and against the Microsoft.Network resource provider's own limit.
 *
 * - ARM (2024+ token bucket): reads 250 / 25 per s, writes 200 / 10 per s; 429 + Retry-After
 *   beyond (CLOUD-FACTS §2.7; MicrosoftDocs/azure-docs request-limits-and-throttling.md and the
 *   ARM throttling announcement). Deletes are paced as writes (no separate figure in our notes).
 * - Microsoft.Network: writes/deletes 1,000 per 5 minutes, reads 10,000 per 5 minutes
 *   (CLOUD-FACTS §2.7, "2020 doc; re-check" [?]). A window of N per T seconds never overflows
 *   with a bucket of size C refilling at r when C + r·T ≤ N: writes C = 100, r = 3 / s
 *   (100 + 900 = 1,000); reads C = 1,000, r = 30 / s.
 */
import type { RateTable } from './rates.ts';

const ARM =
  'CLOUD-FACTS §2.7: MicrosoftDocs/azure-docs articles/azure-resource-manager/management/request-limits-and-throttling.md; https://azure.microsoft.com/updates/azure-resource-manager-throttling/';
const WRITE = { categories: ['arm-write', 'network-write'], write: true } as const;
const READ = { categories: ['arm-read', 'network-read'], write: false } as const;

export const AZURE_RATES: RateTable = {
  cloud: 'azure',
  location: 'subscription',
  categories: {
    'arm-read': { capacity: 250, refillPerSecond: 25, source: ARM },
    'arm-write': { capacity: 200, refillPerSecond: 10, source: ARM, note: 'deletes paced as writes' },
    'network-read': {
      capacity: 1000,
      refillPerSecond: 30,
      source: ARM,
      note: 'Microsoft.Network reads 10,000 / 5 min as a bucket that cannot overflow the window [?]',
    },
    'network-write': {
      capacity: 100,
      refillPerSecond: 3,
      source: ARM,
      note: 'Microsoft.Network writes+deletes 1,000 / 5 min as a bucket that cannot overflow the window [?]',
    },
  },
  methods: {
    listVirtualMachines: READ,
    listNetworkInterfaces: READ,
    listNetworkSecurityGroups: READ,
    listApplicationSecurityGroups: READ,
    listSubnetNetworkSecurityGroups: READ,
    getVirtualMachine: READ,
    getNetworkInterface: READ,
    getNetworkSecurityGroup: READ,
    getApplicationSecurityGroup: READ,
    createOrUpdateNetworkSecurityGroup: WRITE,
    deleteNetworkSecurityGroup: WRITE,
    createOrUpdateSecurityRule: WRITE,
    deleteSecurityRule: WRITE,
    createOrUpdateApplicationSecurityGroup: WRITE,
    deleteApplicationSecurityGroup: WRITE,
    createOrUpdateNetworkInterface: WRITE,
  },
  fallback: WRITE,
  maxInFlight: 32,
  // Every Azure step is one PUT or DELETE (a NIC's second write reuses the etag of its first).
  stepCalls: () => ['createOrUpdateNetworkInterface'],
};
