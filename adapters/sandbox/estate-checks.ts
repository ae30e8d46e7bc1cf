/**
 * Cross-item checks of an estate file: things no single field can get wrong on its own.
 *
 * They read the raw YAML data (not zod's output) so they still run when some other field has a
 * type error, and the user sees every mistake at once. Items whose fields are not the expected
 * strings are skipped here: zod reports those.
 */
import { didYouMean, type Diagnostic } from '../../core/diagnostics.ts';
import { parseAddress } from '../../core/model/address.ts';
import type { PositionIndex } from '../../core/source/positions.ts';
import { diag } from '../../core/source/zod-issues.ts';

type Item = Record<string, unknown>;
type Path = PropertyKey[];

/** The list's items that are mappings, with their index. */
function items(data: Item, key: string): Array<[number, Item]> {
  const list = data[key];
  if (!Array.isArray(list)) return [];
  return list.flatMap((v, i): Array<[number, Item]> =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? [[i, v as Item]] : [],
  );
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function checkEstate(data: Item, pos: PositionIndex): Diagnostic[] {
  return [
    ...duplicateIds(data, pos),
    ...duplicateAddresses(data, pos),
    ...vpcScopes(data, pos),
    ...securityGroupRefs(data, pos),
  ];
}

/** Instance ids (and nic ids) are unique per cloud; group ids and firewall names too. */
function duplicateIds(data: Item, pos: PositionIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  const lists: Array<[string, string, (it: Item) => string | undefined]> = [
    ['aws', 'id', (it) => str(it.id)],
    ['azure', 'id', (it) => str(it.id)],
    ['gcp', 'id', (it) => str(it.id)],
    ['awsSecurityGroups', 'id', (it) => str(it.id)],
    [
      'gcpFirewalls',
      'name',
      (it) => (str(it.project) && str(it.name) ? `${str(it.project)}/${str(it.name)}` : undefined),
    ],
  ];
  for (const [list, field, keyOf] of lists) {
    const seen = new Map<string, number>();
    for (const [i, it] of items(data, list)) {
      const key = keyOf(it);
      if (key === undefined) continue;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else
        out.push(
          diag(
            'duplicate-id',
            [list, i, field],
            pos.at([list, i, field]),
            `${field} "${String(it[field])}" is already used by ${list}[${first}]`,
            `every ${list} entry needs its own ${field}`,
          ),
        );
    }
  }
  return out;
}

/** Where an address sits: the network it must be unique in, and its place in the file. */
interface Placed {
  network: string;
  text: string;
  path: Path;
  owner: string;
}

function addressesOf(list: string, i: number, it: Item): Placed[] {
  const network =
    list === 'aws'
      ? `VPC ${str(it.vpc)}`
      : list === 'azure'
        ? `VNet ${str(it.subscription)}/${str(it.vnet)}`
        : `network ${str(it.project)}/${str(it.network)}`;
  const owner = str(it.id) ?? `${list}[${i}]`;
  const out: Placed[] = [];
  for (const field of ['ip', 'ipv6']) {
    const text = str(it[field]);
    if (text) out.push({ network, text, path: [list, i, field], owner });
  }
  const nics = Array.isArray(it.nics) ? it.nics : [];
  nics.forEach((nic: unknown, j) => {
    if (nic === null || typeof nic !== 'object') return;
    for (const field of ['ip', 'ipv6']) {
      const text = str((nic as Item)[field]);
      if (text) out.push({ network, text, path: [list, i, 'nics', j, field], owner });
    }
  });
  return out;
}

/** Two interfaces in one network cannot share an address (the cloud would refuse the second). */
function duplicateAddresses(data: Item, pos: PositionIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, Placed>();
  for (const list of ['aws', 'azure', 'gcp']) {
    for (const [i, it] of items(data, list)) {
      for (const placed of addressesOf(list, i, it)) {
        const parsed = parseAddress(placed.text);
        if (!parsed.ok) continue;
        const key = `${list}|${placed.network}|${parsed.value.family}|${parsed.value.value}`;
        const first = seen.get(key);
        if (!first) seen.set(key, placed);
        else
          out.push(
            diag(
              'duplicate-ip',
              placed.path,
              pos.at(placed.path),
              `address ${placed.text} is already used by ${first.owner} in ${placed.network}`,
              'addresses must be unique within one network',
            ),
          );
      }
    }
  }
  return out;
}

/** VPC ids are globally unique in AWS, so one id cannot live in two (account, Region) pairs. */
function vpcScopes(data: Item, pos: PositionIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  const home = new Map<string, { scope: string; where: string }>();
  for (const list of ['aws', 'awsSecurityGroups']) {
    for (const [i, it] of items(data, list)) {
      const [vpc, account, region] = [str(it.vpc), str(it.account), str(it.region)];
      if (!vpc || !account || !region) continue;
      const scope = `account ${account} Region ${region}`;
      const first = home.get(vpc);
      if (!first) home.set(vpc, { scope, where: `${list}[${i}]` });
      else if (first.scope !== scope)
        out.push(
          diag(
            'vpc-scope-conflict',
            [list, i, 'vpc'],
            pos.at([list, i, 'vpc']),
            `VPC "${vpc}" is in ${first.scope} (${first.where}), not ${scope}: a VPC id belongs to exactly one account and Region`,
            'give VPCs in different accounts or Regions different ids',
          ),
        );
    }
  }
  return out;
}

/** An instance's foreign groups must exist and be in the instance's own VPC. */
function securityGroupRefs(data: Item, pos: PositionIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  const groups = new Map(
    items(data, 'awsSecurityGroups').flatMap(([, g]) => (str(g.id) ? [[str(g.id)!, g] as const] : [])),
  );
  for (const [i, it] of items(data, 'aws')) {
    const refs = Array.isArray(it.securityGroups) ? it.securityGroups : [];
    refs.forEach((ref: unknown, j) => {
      if (typeof ref !== 'string') return;
      const path = ['aws', i, 'securityGroups', j];
      const group = groups.get(ref);
      if (!group) {
        const suggestion = didYouMean(ref, groups.keys());
        out.push(
          diag(
            'unknown-security-group',
            path,
            pos.at(path),
            `security group "${ref}" is not defined in awsSecurityGroups`,
            suggestion
              ? `did you mean "${suggestion}"?`
              : 'define it under awsSecurityGroups, or remove it to use the VPC default group',
          ),
        );
      } else if (group.vpc !== it.vpc || group.account !== it.account || group.region !== it.region) {
        out.push(
          diag(
            'security-group-vpc-mismatch',
            path,
            pos.at(path),
            `security group "${ref}" is in ${String(group.vpc)} (account ${String(group.account)}, ${String(group.region)}), but ${String(it.id)} is in ${String(it.vpc)} (account ${String(it.account)}, ${String(it.region)})`,
            'an interface can only use security groups of its own VPC',
          ),
        );
      }
    });
  }
  return out;
}
