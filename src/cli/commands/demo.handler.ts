import { demoSeed as seedOp } from '../../erp/demo/demo.ops.js';
import { KgcError } from '../../errors/kgc-error.js';
import { canPrompt, outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { runOp } from '../run-op.js';

/**
 * Loads the demo data. A database holding other data is refused (erp_not_empty);
 * with --force the refusal is shown and confirmed first (--yes without a terminal).
 */
export async function demoSeed(
  io: CliIO,
  g: GlobalOptions,
  o: { force?: boolean } = {},
): Promise<void> {
  const out = outputFor(io, g);
  let summary;
  try {
    summary = await runOp(seedOp, {}, io, g);
  } catch (err) {
    if (!(err instanceof KgcError) || err.code !== 'erp_not_empty' || o.force !== true) throw err;
    if (!g.yes) {
      if (!canPrompt(io, g))
        throw new KgcError(
          'confirmation_required',
          `${err.message}\n--force overwrites the demo's ids in that database: pass --yes too to confirm`,
        );
      io.writeErr(`${err.message}\n\n`);
      const { confirm } = await import('@inquirer/prompts');
      if (
        !(await confirm({
          message:
            "Load the demo data into this database anyway, overwriting the rows above that share the demo's ids?",
          default: false,
        }))
      ) {
        out.info('Nothing loaded.');
        return;
      }
    }
    summary = await runOp(seedOp, { force: true }, io, g);
  }
  const loaded = summary;
  out.result(
    loaded,
    () =>
      `Demo data loaded: ${Object.entries(loaded)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}.`,
  );
}
