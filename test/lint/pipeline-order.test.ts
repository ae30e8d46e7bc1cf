/**
 * The lint rules that hold the core's shape (eslint.config.js) really fire: a stage importing a
 * later stage, an adapter importing a core internal, and localeCompare in core all fail lint,
 * while a legal import passes. Uses ESLint's Node API on code that is never written to disk.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('pipeline order and the core surface are enforced by lint', () => {
  it('GIVEN a file under core/compile WHEN it imports core/plan THEN lint fails', async () => {
    const code = "import type { Phase } from '../plan/step-base.ts';\nexport type P = Phase;\n";
    expect(await ruleIds(code, 'core/compile/example.ts')).toContain('no-restricted-imports');
  });

  it('GIVEN a file under core/model WHEN it imports core/policy THEN lint fails', async () => {
    const code = "import type { Policy } from '../policy/types.ts';\nexport type P = Policy;\n";
    expect(await ruleIds(code, 'core/model/example.ts')).toContain('no-restricted-imports');
  });

  it('GIVEN an adapter WHEN it imports a core internal THEN lint fails', async () => {
    const code = "import { AwsActualIndex } from '../../core/plan/aws-actual.ts';\nexport const I = AwsActualIndex;\n";
    expect(await ruleIds(code, 'adapters/aws/example.ts')).toContain('no-restricted-imports');
    const units = "import { unitWeight } from '../../core/compile/aws-units.ts';\nexport const W = unitWeight;\n";
    expect(await ruleIds(units, 'adapters/aws/example.ts')).toContain('no-restricted-imports');
  });

  it('GIVEN core code WHEN it calls localeCompare THEN lint fails', async () => {
    const code = 'export const c = (a: string, b: string): number => a.localeCompare(b);\n';
    expect(await ruleIds(code, 'core/plan/example.ts')).toContain('no-restricted-properties');
  });

  it('GIVEN legal imports WHEN linted THEN they pass', async () => {
    const plan =
      "import { by } from '../model/compare.ts';\nimport type { Desired } from '../compile/index.ts';\nexport const f = by((d: Desired) => d.findings.length);\n";
    expect(await ruleIds(plan, 'core/plan/example.ts')).toEqual([]);
    const adapter =
      "import { unitKey } from '../../core/model/native/aws-rules.ts';\nimport type { AwsStep } from '../../core/plan/aws-steps.ts';\nexport const k = unitKey;\nexport type S = AwsStep;\n";
    expect(await ruleIds(adapter, 'adapters/aws/example.ts')).toEqual([]);
  });
});
