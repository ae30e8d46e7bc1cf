/**
 * The moto helper fails with the install hint, at once, when moto cannot start (never a skip, never
 * a 20-second wait): a missing interpreter, or one that exits at once (as python3 without moto does).
 */
import { describe, expect, it } from 'vitest';
import { MOTO_INSTALL_HINT, startMoto } from '../../helpers/moto.ts';

describe('startMoto without moto', () => {
  it('GIVEN no such interpreter WHEN moto is started THEN it fails at once with the install hint', async () => {
    const started = Date.now();
    await expect(startMoto({ python: 'python3-that-does-not-exist' })).rejects.toThrow(MOTO_INSTALL_HINT);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('GIVEN an interpreter that exits WHEN moto is started THEN it fails with the install hint and the exit code', async () => {
    await expect(startMoto({ python: 'false' })).rejects.toThrow(/moto is needed[\s\S]*moto exited with 1/);
  });
});
