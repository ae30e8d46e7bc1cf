/**
 * The sandbox state file (`--state FILE`, DESIGN.md §7): the three sandbox clouds as JSON, so
 * commands compose (`apply`, then `sandbox tag`, then `plan`) and a killed apply resumes where
 * it stopped. Written atomically — a temporary file in the same folder, then a rename — so a
 * reader (or a crash) only ever sees a whole state, the old one or the new one.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SegsyncError } from '../../core/errors.ts';
import { unreadableFile } from '../../core/source/unreadable.ts';
import { Sandbox, SandboxDumpError, type SandboxOptions } from './index.ts';

/** The state file cannot be read, parsed or written; the message is meant to be printed as is. */
export class StateFileError extends SegsyncError {
  readonly retryable = false;
}

/** The sandbox a state file holds. */
export function readStateFile(path: string, options: SandboxOptions = {}): Sandbox {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new StateFileError(
      unreadableFile('state', path, e, 'create it with `segsync sandbox init ESTATE --state FILE`').message,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new StateFileError(`state file ${path} is not JSON (${(e as Error).message}); was it written by segsync?`);
  }
  try {
    return Sandbox.restore(data, options);
  } catch (e) {
    if (e instanceof SandboxDumpError) throw new StateFileError(`state file ${path}: ${e.message}`);
    throw new StateFileError(`state file ${path} is damaged: ${(e as Error).message}`);
  }
}

/** Replaces the state file with the sandbox's current state, atomically. */
export function writeStateFile(path: string, sandbox: Sandbox): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, `${JSON.stringify(sandbox.dump())}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const reason = unreadableFile('state', path, e, '').message.slice(`cannot read state file ${path}: `.length);
    throw new StateFileError(`cannot write state file ${path}: ${reason}`);
  }
}
