/** The closed vocabulary of plan steps: one union per cloud, joined (STYLE G5). */
import type { AwsStep } from './aws.ts';
import type { AzureStep } from './azure.ts';
import type { GcpStep } from './gcp.ts';

export type { Phase, StepBase } from './step-base.ts';
export type { Finding } from '../model/finding.ts';
export type Step = AwsStep | AzureStep | GcpStep;
