/**
 * The one error type every cloud API implementation throws (real SDK wrappers and the sandbox
 * alike): the cloud's own error code and HTTP status, untranslated. Each adapters/<cloud>/errors.ts
 * classifies these codes; nothing else compares code strings.
 */
export class CloudApiError extends Error {
  constructor(
    readonly cloud: 'aws' | 'azure' | 'gcp',
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(`${code}: ${message}`);
    this.name = 'CloudApiError';
  }
}
