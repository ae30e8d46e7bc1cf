/** IAM statements of a synthesized template, from inline and managed policies and role trust. */
import type { Template } from 'aws-cdk-lib/assertions';

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
}

export function allStatements(t: Template): Statement[] {
  const docs: { Statement: Statement[] }[] = [];
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'])
    for (const r of Object.values(t.findResources(type)))
      docs.push((r as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument);
  return docs.flatMap((d) => d.Statement);
}

/** Statements granting an EC2 action that is not a read (Describe*, Get*). */
export function ec2Mutations(t: Template): Statement[] {
  return allStatements(t).filter((s) =>
    [s.Action].flat().some((a) => a.startsWith('ec2:') && !/^ec2:(Describe|Get)/.test(a)),
  );
}
