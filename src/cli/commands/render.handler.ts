import { join } from 'node:path';
import { cryptoRandom } from '../../context/clock.js';
import { applyErpSqlCommand } from '../../render/erp-database.js';
import { ERP_SQL_FILE } from '../../render/model.js';
import { secretsOnDisk } from '../../render/secrets-on-disk.js';
import { execaExec, detectCompose } from '../../docker/compose.js';
import { validateRendered } from '../../docker/validate.js';
import { KgcError } from '../../errors/kgc-error.js';
import {
  loadAllFranchises,
  resolveFranchise,
  type FranchiseRef,
} from '../../franchise/franchise.store.js';
import {
  applyRender,
  assertNoPortClash,
  diffOf,
  driftOf,
  planRender,
  type RenderPlan,
} from '../../render/render.service.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import { installerConfig, rootOf, shippedTemplates } from '../installer-context.js';
import type { CliIO } from '../io.js';
import type { Output } from '../output.js';

export interface RenderFlags {
  franchise?: string;
  all?: boolean;
  check?: boolean;
  diff?: boolean;
  validate?: boolean;
  dir?: string;
}

function targets(root: string, o: RenderFlags): FranchiseRef[] {
  if (o.all && o.franchise)
    throw new KgcError('usage', 'pass either --franchise <id> or --all, not both');
  if (!o.all) return [resolveFranchise(root, o.franchise)];
  const all = loadAllFranchises(root);
  if (all.length === 0) throw new KgcError('franchise_not_found', `no franchise in ${root}`);
  return all;
}

function checkReport(
  out: Output,
  plans: readonly RenderPlan[],
  showDiff: boolean,
  check: boolean,
  io: CliIO,
): void {
  const report = plans.map((p) => ({
    franchise: p.ref.id,
    up_to_date: driftOf(p).length === 0,
    drift: driftOf(p).map((s) => ({ path: s.path, drift: s.drift as string })),
    ...(showDiff ? { diff: diffOf(p) } : {}),
  }));
  if (check && report.some((r) => !r.up_to_date)) io.exitCode = 1;
  out.result(report, () =>
    report
      .map((r) => {
        if (r.up_to_date)
          return `${out.style.green('✔')} franchise ${r.franchise}: rendered files are up to date`;
        const head = `${out.style.yellow('!')} franchise ${r.franchise}: not as render would write them: ${r.drift.map((d) => `${d.path} (${d.drift})`).join(', ')}`;
        return r.diff ? `${head}\n${r.diff}` : head;
      })
      .join('\n'),
  );
}

export async function render(io: CliIO, g: GlobalOptions, o: RenderFlags): Promise<void> {
  const out = outputFor(io, g);
  const root = rootOf(io, g, o);
  const refs = targets(root, o);
  const everyone = loadAllFranchises(root).map((r) => r.franchise);
  const templates = shippedTemplates();
  const plans = refs.map((ref) => {
    assertNoPortClash(ref.franchise, everyone);
    return planRender(ref, templates, cryptoRandom);
  });
  if (o.check || o.diff) {
    checkReport(out, plans, o.diff === true, o.check === true, io);
    return;
  }

  let validatedBy: string | undefined;
  if (o.validate !== false) {
    const exec = execaExec(io.env);
    const tool = await detectCompose(exec, installerConfig(io, g).composeCommand);
    if (tool) {
      for (const p of plans) await validateRendered(tool, exec, p.ref, p.files);
      validatedBy = `${tool.display} ${tool.version}`;
    } else {
      out.warn(
        'not validated: no compose tool found (install docker compose or docker-compose, or pass --no-validate)',
      );
    }
  }
  const results = plans.map((p) => {
    const applied = applyRender(p, templates);
    const sql = applied.files.find((f) => f.path === ERP_SQL_FILE);
    return {
      franchise: p.ref.id,
      dir: p.ref.dir,
      layout: p.ref.franchise.layout,
      files: applied.files,
      knowledge_base: applied.knowledgeBase,
      secrets_generated: [...p.generated],
      validated_by: validatedBy ?? null,
      // New or changed (a new role password, an upgrade): the ERP's database has the old one until its DBA applies it.
      erp_sql_to_apply:
        sql !== undefined && (sql.action === 'created' || sql.action === 'updated')
          ? {
              file: join(p.ref.dir, ERP_SQL_FILE),
              command: applyErpSqlCommand(
                join(p.ref.dir, ERP_SQL_FILE),
                secretsOnDisk(p.ref).get('ERP_DATABASE_URL'),
              ),
            }
          : null,
    };
  });
  out.result(results, () =>
    results
      .map((r) =>
        [
          `${out.style.bold(`franchise ${r.franchise}`)} (${r.layout}) in ${r.dir}`,
          ...r.files.map(
            (f) =>
              `  ${(f.action === 'unchanged' ? out.style.dim : out.style.green)(f.action)}${' '.repeat(12 - f.action.length)}${f.path}`,
          ),
          ...r.knowledge_base
            .filter((k) => k.action === 'created')
            .map(
              (k) =>
                `  ${out.style.green('created')}     ${k.path} (starter FAQ: yours to edit, never overwritten)`,
            ),
          ...(r.secrets_generated.length > 0
            ? [`  new secrets: ${r.secrets_generated.join(', ')} (in secrets.env, 0600)`]
            : []),
          `  ${r.validated_by ? `validated by ${r.validated_by}` : out.style.yellow('not validated by a compose tool')}`,
          ...(r.erp_sql_to_apply
            ? [
                `  ${out.style.yellow('!')} ${ERP_SQL_FILE} is ${r.files.find((f) => f.path === ERP_SQL_FILE)?.action === 'created' ? 'new' : 'changed'}: the ERP's DBA must apply it (again) before the daemon can log in:`,
                `      ${r.erp_sql_to_apply.command}`,
              ]
            : []),
        ].join('\n'),
      )
      .join('\n'),
  );
}
