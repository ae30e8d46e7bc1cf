import { describe, expect, it } from 'vitest';
import { fitList, renderPlan } from '../../../core/plan/render.ts';
import type { Step } from '../../../core/plan/step.ts';

const cidrs = Array.from({ length: 40 }, (_, i) => `10.0.${i}.0/24`);

describe('fitList: a step summary within the terminal width', () => {
  it('GIVEN a short summary WHEN fitted THEN it is unchanged', () => {
    expect(fitList('+ prefix list a: + 10.0.0.0/24', 80)).toBe('+ prefix list a: + 10.0.0.0/24');
  });

  it('GIVEN a list of 40 CIDRs WHEN fitted into 80 columns THEN the items that fit, and a count of the CIDRs left out', () => {
    const text = `~ prefix list pl-1: ${cidrs.join(', ')}`;
    const fitted = fitList(text, 80);
    expect(fitted.length).toBeLessThanOrEqual(80);
    const [, shown, hidden] = /^~ prefix list pl-1: (.*), … and (\d+) more CIDRs$/.exec(fitted)!;
    expect(shown!.split(', ').length + Number(hidden)).toBe(40);
  });

  it('GIVEN one long item WHEN fitted THEN it is cut with "…" and the rest counted', () => {
    const fitted = fitList(`~ sg-1: + ingress tcp 80 from ${'x'.repeat(100)}; tcp 81 from y`, 60);
    expect(fitted.length).toBeLessThanOrEqual(60);
    expect(fitted).toMatch(/… and 1 more$/);
  });

  it('GIVEN no width WHEN fitted THEN the full text (piped output and --json keep everything)', () => {
    const text = `x: ${cidrs.join(', ')}`;
    expect(fitList(text, undefined)).toBe(text);
  });
});

describe('renderPlan with a width', () => {
  const step = (summary: string, network = 'aws:1:eu-west-1:vpc-1') =>
    ({ cloud: 'aws', kind: 'authorize', phase: 'authorize', network, target: 'sg-1', summary }) as unknown as Step;

  it('GIVEN long steps, a long network and a long finding WHEN rendered at 80 columns THEN no line is longer than 80', () => {
    const text = renderPlan(
      {
        steps: [
          step(
            `~ security group g: + ingress ${cidrs.map((c) => `tcp 443 from ${c}`).join('; ')}`,
            `azure:${'/x'.repeat(60)}`,
          ),
        ],
        findings: [
          {
            severity: 'warning',
            cloud: 'aws',
            target: 'sg-1',
            code: 'foreign',
            message: 'word '.repeat(40),
            hint: 'hint '.repeat(30),
          },
        ] as never,
      },
      { width: 80 },
    );
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(text).toMatch(/… and \d+ more/);
  });

  it('GIVEN one membership change WHEN summarised THEN "1 membership change", singular', () => {
    const one = { ...step('x'), phase: 'membership' } as Step;
    expect(renderPlan({ steps: [one], findings: [] })).toContain('1 membership change,');
  });
});
