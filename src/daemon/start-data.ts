/**
 * What the daemon puts in its store before it serves: the demo data and a fresh demo
 * key (`serve --demo`), and the keys the installer rendered (the Support system's and
 * the ERP's), known by their hash from then on.
 */
import type { Ctx } from '../context/context.js';
import { seedDemo } from '../erp/demo/seed.js';
import { createKey, importKey, listKeys, revokeKey } from '../keys/keys.service.js';

const DEMO_KEY_NAME = 'demo';

async function issueDemoKey(ctx: Ctx): Promise<{ key: string; id: string }> {
  for (const k of await listKeys(ctx, {}))
    if (k.name === DEMO_KEY_NAME) await revokeKey(ctx, { id: k.id });
  const issued = await createKey(ctx, {
    name: DEMO_KEY_NAME,
    scopes: ['support:read', 'support:appointments'],
    expires_in: '30d',
  });
  return { key: issued.api_key, id: issued.key.id };
}

async function importEnvKey(
  ctx: Ctx,
  variable: string,
  key: string | undefined,
  name: string,
  scopes: string[],
): Promise<void> {
  if (!key) return;
  const imported = await importKey(
    { ...ctx, actor: `env:${variable}` },
    { name, scopes, api_key: key, expires_in: '365d' },
  );
  if (imported.created)
    ctx.logger.info({ keyId: imported.key.id, scopes }, `imported the key in ${variable}`);
  else if (imported.key.status !== 'active')
    ctx.logger.warn(
      { keyId: imported.key.id, status: imported.key.status },
      `the key in ${variable} is not active; issue a new one`,
    );
}

export async function loadStartData(
  ctx: Ctx,
  opts: { demo?: boolean; onDemoKey?: (key: string, keyId: string) => void },
): Promise<void> {
  if (opts.demo) {
    ctx.logger.info(await seedDemo(ctx), 'demo data loaded');
    const demoKey = await issueDemoKey(ctx);
    opts.onDemoKey?.(demoKey.key, demoKey.id);
  }
  const { config } = ctx;
  await importEnvKey(ctx, 'KGC_API_KEY', config.inboundApiKey, 'support-system (KGC_API_KEY)', [
    'support:read',
    'support:appointments',
  ]);
  await importEnvKey(
    ctx,
    'KGC_SUPPORT_PUBLISH_KEY',
    config.publishApiKey,
    'erp (KGC_SUPPORT_PUBLISH_KEY)',
    ['erp:publish'],
  );
}
