/** `segsync plan` shows the apply estimate; `segsync apply` prints one JSON line per step when not on a TTY, then a summary. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';

const files = ['--sandbox', 'examples/hybrid-estate.yaml', '--policy', 'examples/three-tier.yaml'];

describe('apply engine in the CLI', () => {
  it('plan: estimate per location and in total, in text and JSON', async () => {
    const text = await runCli('plan', ...files);
    expect(text.code).toBe(2);
    expect(text.out).toMatch(/Estimated apply time at the clouds' documented request rates: <1s/);
    expect(text.out).toMatch(/aws {3}111111111111\/eu-west-1 .* \d+ steps, \d+ calls/);
    const json = JSON.parse((await runCli('plan', '--json', ...files)).out) as {
      steps: unknown[];
      estimate: { seconds: number; locations: Array<{ cloud: string; steps: number }> };
    };
    expect(json.estimate.seconds).toBe(0);
    expect(json.estimate.locations.reduce((n, l) => n + l.steps, 0)).toBe(json.steps.length);
  });

  it('apply: a JSON line per step with a growing count, then the summary', async () => {
    const { code, out } = await runCli('apply', ...files);
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    const events = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { done: number; total: number });
    expect(events.length).toBeGreaterThan(10);
    expect(events.map((e) => e.done)).toEqual(events.map((_, i) => i + 1));
    expect(events.every((e) => e.total === events.length)).toBe(true);
    // The summary, then apply's own verify verdict.
    expect(lines.at(-2)).toMatch(
      new RegExp(
        `^Applied ${events.length} steps in 1 round: \\d+ API calls, 0 throttled and retried, 0 step retries, [\\d.]+s\\. No changes\\.`,
      ),
    );
    expect(lines.at(-1)).toMatch(/^Verified: \d+ flows/);
  });
});
