/**
 * Ownership: every marker segsync writes, on which object, and what it means (STYLE G7).
 * segsync never edits or deletes an object that does not carry its marker for this deployment.
 *
 * AWS  (security groups, managed prefix lists) tags:
 *   segsync:owner    = <deployment id>       the object belongs to this deployment
 *   segsync:class    = <class id>            which workload class it stands for
 *   segsync:location = <account>/<region>    where it lives (the EC2 shapes carry no Region)
 * Azure (NSGs, ASGs) tags:
 *   segsync-owner    = <deployment id>       (Azure tag names cannot contain '/', CLOUD-FACTS §2.5)
 *   segsync-class    = <class id>
 * GCP  firewall rules have no labels (CLOUD-FACTS §3.1): ownership is the name prefix
 *   `ss-<deployment id>-` together with a description starting `segsync:<deployment id>`.
 * GCP network tags on instances: the prefix `ss-<deployment id>-`; tags without it are foreign
 *   and are kept on every setTags.
 * Workloads themselves (instances, ENIs, NICs) are never owned: segsync only writes their
 * membership (ENI group sets, NIC ASGs/NSG, instance network tags) and never their labels.
 */
export const AWS_OWNER_TAG = 'segsync:owner';
export const AWS_CLASS_TAG = 'segsync:class';
export const AWS_LOCATION_TAG = 'segsync:location';
export const AZURE_OWNER_TAG = 'segsync-owner';
export const AZURE_CLASS_TAG = 'segsync-class';

/** Deployment ids appear in every object name, so they keep to the narrowest alphabet. */
export const DEPLOYMENT_ID_PATTERN = /^[a-z][a-z0-9]{0,9}$/;

/** Prefix of every GCP firewall rule name and network tag segsync owns. */
export function gcpPrefix(deploymentId: string): string {
  return `ss-${deploymentId}-`;
}

export function gcpOwnerDescription(deploymentId: string, detail: string): string {
  return `segsync:${deploymentId} ${detail}`;
}

export function isOwnedAws(
  tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined,
  deploymentId: string,
): boolean {
  return (tags ?? []).some((t) => t.Key === AWS_OWNER_TAG && t.Value === deploymentId);
}

export function isOwnedAzure(tags: Readonly<Record<string, string>> | undefined, deploymentId: string): boolean {
  return tags?.[AZURE_OWNER_TAG] === deploymentId;
}

export function isOwnedGcpFirewall(fw: { name: string; description?: string }, deploymentId: string): boolean {
  return fw.name.startsWith(gcpPrefix(deploymentId)) && (fw.description ?? '').startsWith(`segsync:${deploymentId}`);
}

export function isOwnedGcpTag(tag: string, deploymentId: string): boolean {
  return tag.startsWith(gcpPrefix(deploymentId));
}

declare const owned: unique symbol;
/** An object proven to carry this deployment's marker; only these may be targets of mutating steps. */
export type Owned<T> = T & { readonly [owned]: true };

/** Brands an object after checking its marker; throws if it is foreign (a planner bug, never user input). */
export function assertOwned<T>(obj: T, check: (o: T) => boolean, what: string): Owned<T> {
  if (!check(obj)) throw new Error(`refusing to touch ${what}: it does not carry segsync's ownership marker`);
  return obj as Owned<T>;
}
