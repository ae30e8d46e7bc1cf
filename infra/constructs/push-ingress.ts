/**
 * The HTTPS endpoint Azure Event Grid and GCP Pub/Sub push to: a Lambda function URL with auth
 * NONE, because neither sender can sign AWS SigV4. The handler authenticates every request itself
 * (Event Grid: the shared secret from Secrets Manager, compared in constant time; Pub/Sub: the OIDC
 * token's signature, audience and service account), and refuses a cloud it has no settings for.
 */
import { CfnOutput } from 'aws-cdk-lib';
import { FunctionUrlAuthType, InvokeMode, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface PushIngressProps {
  handler: LambdaFunction;
  /** The Event Grid shared secret (spec.azure.events.secret); absent: Azure pushes are refused. */
  azureSecret?: ISecret;
}

export class PushIngress extends Construct {
  readonly url: string;

  constructor(scope: Construct, id: string, props: PushIngressProps) {
    super(scope, id);
    const fnUrl = props.handler.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.BUFFERED });
    props.azureSecret?.grantRead(props.handler);
    this.url = fnUrl.url;
    new CfnOutput(this, 'Url', {
      value: fnUrl.url,
      description: 'Event Grid webhook: <url>azure ; Pub/Sub push endpoint: <url>gcp',
    });
  }
}
