import type { Command } from 'commander';
import { ExitRequest, type Io } from '../io.ts';
import { plural } from '../text.ts';
import { summaryLine } from '../../core/plan/render.ts';
import { eventOptions, localRuntime, type EventCliOptions } from './handle-event.ts';

/**
 * `segsync drift`: the scheduled drift run, once, here: every managed location (or the ones named)
 * read in full, planned, corrected (or only reported), snapshot written. Exit 2 when `--mode
 * report` found drift (as `plan` exits 2 on changes).
 */
export function registerDrift(program: Command, io: Io): void {
  eventOptions(
    program
      .command('drift')
      .description(
        'run the scheduled drift run once: read every managed location, correct (or report) what changed by hand',
      )
      .option(
        '--mode <mode>',
        "apply (correct) or report (only say); default: the configuration's drift.mode, else apply",
      )
      .option(
        '--location <cloud:location>',
        'only this location, e.g. aws:111111111111/eu-west-1 (repeatable)',
        (v: string, p: string[]) => [...p, v],
        [] as string[],
      ),
  ).action(async (opts: EventCliOptions & { mode?: string; location: string[] }) => {
    if (opts.mode !== undefined && opts.mode !== 'apply' && opts.mode !== 'report') {
      io.err(`error: --mode "${opts.mode}": write apply or report\n`);
      throw new ExitRequest(1);
    }
    const { runtime, save } = await localRuntime(opts, io);
    const { driftLocation } = await import('../../adapters/events/drift.ts');
    const mode = (opts.mode as 'apply' | 'report' | undefined) ?? runtime.config.drift.mode;
    const { clouds } = runtime.deps;
    const all = (['aws', 'azure', 'gcp'] as const).flatMap((cloud) =>
      clouds[cloud].locations().map((location) => ({ cloud, location })),
    );
    const wanted = opts.location.length ? opts.location.map((l) => parseTarget(l, all, io)) : all;
    const results = [];
    for (const target of wanted) {
      const r = await driftLocation(target, mode, runtime.deps);
      save();
      results.push(r);
      if (opts.json) continue;
      io.out(
        `${r.cloud} ${r.location}: ${plural(r.driftFound, 'drifted object')} found, ${r.driftCorrected} corrected, ` +
          `${plural(r.objectsChecked, 'object')} checked (${r.durationMs} ms)${r.driftFound ? `; ${summaryLine(r.planned)}` : ''}\n`,
      );
      for (const f of r.findings.filter((x) => x.cloud !== undefined))
        io.out(`  ${f.severity} ${f.code} ${f.target}: ${f.message}\n`);
    }
    if (opts.json) io.out(`${JSON.stringify(results.map(({ planned, ...r }) => ({ ...r, steps: planned.length })))}\n`);
    if (mode === 'report' && results.some((r) => r.driftFound > 0)) io.exitCode = 2;
  });
}

function parseTarget(text: string, all: readonly { cloud: 'aws' | 'azure' | 'gcp'; location: string }[], io: Io) {
  const i = text.indexOf(':');
  const found = all.find((t) => t.cloud === text.slice(0, i) && t.location === text.slice(i + 1));
  if (!found) {
    io.err(
      `error: --location "${text}" is not managed here (managed: ${all.map((t) => `${t.cloud}:${t.location}`).join(', ')})\n`,
    );
    throw new ExitRequest(1);
  }
  return found;
}
