/** Small text helpers for what the CLI prints. */

export { plural } from '../core/diagnostics.ts';
