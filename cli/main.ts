/**
 * The `segsync` command line: argv → one command → exit code.
 * Exit codes: 0 success / no changes, 1 error (bad input or failure), 2 changes (plan).
 * User mistakes print diagnostics, never a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { SegsyncError } from '../core/errors.ts';
import { registerApply } from './commands/apply.ts';
import { registerPlan } from './commands/plan.ts';
import { registerSchema } from './commands/schema.ts';
import { registerState } from './commands/state.ts';
import { registerVerify } from './commands/verify.ts';
import { registerExplain } from './commands/explain.ts';
import { registerGraph } from './commands/graph.ts';
import { registerMatrix } from './commands/matrix.ts';
import { registerDemo } from './commands/demo.ts';
import { registerDrift } from './commands/drift.ts';
import { registerHandleEvent } from './commands/handle-event.ts';
import { registerSandbox } from './commands/sandbox.ts';
import { registerValidate } from './commands/validate.ts';
import { ExitRequest, type Io } from './io.ts';
import { packageVersion } from './version.ts';

export function buildProgram(io: Io): Command {
  const program = new Command('segsync')
    .description('One label policy, enforced natively on AWS, Azure and GCP.')
    .version(packageVersion(), '-V, --version', 'print the segsync version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError();
  registerValidate(program, io);
  registerSchema(program, io);
  registerPlan(program, io);
  registerApply(program, io);
  registerState(program, io);
  registerVerify(program, io);
  registerExplain(program, io);
  registerMatrix(program, io);
  registerGraph(program, io);
  registerSandbox(program, io);
  registerDemo(program, io);
  registerHandleEvent(program, io);
  registerDrift(program, io);
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return io.exitCode ?? 0;
  } catch (e) {
    if (e instanceof ExitRequest) return e.code;
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    if (e instanceof SegsyncError) {
      io.err(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function processIo(): Io {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    tty: Boolean(process.stdout.isTTY),
  };
}
