/** Output sinks and exit-code plumbing shared by every command, so tests can capture both. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  exitCode?: number;
  /** `out` is a terminal (progress bars instead of JSON lines). */
  tty?: boolean;
}

/** Thrown by a command to end with a specific exit code after it has printed what it needs. */
export class ExitRequest {
  constructor(readonly code: number) {}
}
