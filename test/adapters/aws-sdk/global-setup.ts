/**
 * vitest global setup: the moto suite (test/adapters/aws-sdk) needs a moto server, and a machine
 * without moto must fail loudly with the install hint, never skip (DESIGN.md §6.3). Each test file
 * starts its own server (test/helpers/moto.ts); this only proves once, up front, that one starts.
 */
import { MOTO_INSTALL_HINT, startMoto } from '../../helpers/moto.ts';

export default async function setup(): Promise<void> {
  let moto;
  try {
    moto = await startMoto();
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new Error(detail.startsWith(MOTO_INSTALL_HINT) ? detail : `${MOTO_INSTALL_HINT}\n${detail}`);
  }
  await moto.stop();
}
