import { QuotaExceededError } from '../../core/errors.ts';

/** The QuotaExceededError `run` throws; any other outcome fails the test. */
export function refusal(run: () => unknown): QuotaExceededError {
  try {
    run();
  } catch (e) {
    if (e instanceof QuotaExceededError) return e;
    throw e;
  }
  throw new Error('expected a QuotaExceededError');
}
