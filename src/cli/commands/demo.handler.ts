import { demoSeed as seedOp } from '../../erp/demo/demo.ops.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { runOp } from '../run-op.js';

export async function demoSeed(io: CliIO, g: GlobalOptions): Promise<void> {
  const out = outputFor(io, g);
  const summary = await runOp(seedOp, {}, io, g);
  out.result(summary, () => `Demo data loaded: ${Object.entries(summary).map(([k, v]) => `${v} ${k}`).join(', ')}.`);
}
