/**
 * What `apply` shows while it runs: on a terminal, a progress bar with ETA (cli-progress); else
 * one JSON line per finished step, for logs and pipelines:
 *
 *   {"event":"step","done":12,"total":40,"cloud":"aws","scope":"111111111111/eu-west-1","phase":"create","kind":"create-group","target":"…","attempts":1,"ms":212}
 *
 * `done`/`total` count the current plan; a re-plan after a conflict starts a new count.
 */
import cliProgress from 'cli-progress';
import type { StepEvent } from './run.ts';

export interface ProgressSink {
  out(text: string): void;
}

export interface ProgressReporter {
  step(event: StepEvent): void;
  stop(): void;
  /** Step re-runs seen so far (attempts beyond the first). */
  retries(): number;
}

/** One JSON line per step (the non-TTY format). */
export function stepJsonLine(e: StepEvent): string {
  const { step } = e;
  return `${JSON.stringify({
    event: 'step',
    done: e.done,
    total: e.total,
    cloud: step.cloud,
    scope: step.scope,
    phase: step.phase,
    kind: step.kind,
    target: step.target,
    attempts: e.attempts,
    ms: Math.round(e.ms),
  })}\n`;
}

export function progressReporter(sink: ProgressSink, options: { tty: boolean; quiet: boolean }): ProgressReporter {
  let retries = 0;
  let bar: cliProgress.SingleBar | undefined;
  return {
    step(e) {
      retries += e.attempts - 1;
      if (options.quiet) return;
      if (!options.tty) return sink.out(stepJsonLine(e));
      if (!bar || bar.getTotal() !== e.total) {
        bar?.stop();
        bar = new cliProgress.SingleBar(
          {
            format: 'apply [{bar}] {percentage}% | {value}/{total} steps | ETA {eta_formatted} | {what}',
            hideCursor: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(e.total, 0, { what: '' });
      }
      bar.update(e.done, { what: `${e.step.cloud} ${e.step.kind} ${e.step.target}`.slice(0, 60) });
    },
    stop() {
      bar?.stop();
    },
    retries: () => retries,
  };
}
