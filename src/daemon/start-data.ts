/**
 * What the daemon puts in its store before it serves: the demo data and a fresh demo
 * key (`serve --demo`), and the keys the installer rendered (the Support system's and
 * the ERP's), known by their hash from then on.
 */
import type { Ctx } from '../context/context.js';
import { seedDemo } from '../erp/demo/seed.js';
import { importInstallerKey } from '../keys/installer-import.js';
import { createKey, listKeys, revokeKey } from '../keys/keys.service.js';
import { throwIfStopped } from './stop-signal.js';

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

export async function loadStartData(
  ctx: Ctx,
  opts: { demo?: boolean; onDemoKey?: (key: string, keyId: string) => void },
  signal: AbortSignal | undefined,
): Promise<void> {
  if (opts.demo) {
    throwIfStopped(signal, 'loading the demo data');
    ctx.logger.info(await seedDemo(ctx), 'demo data loaded');
    const demoKey = await issueDemoKey(ctx);
    opts.onDemoKey?.(demoKey.key, demoKey.id);
  }
  throwIfStopped(signal, 'starting');
  // The keys the installer rendered (the Support system's, the ERP's): known by their hash from now on.
  await importInstallerKey(ctx, 'chatbot', ctx.config.inboundApiKey);
  await importInstallerKey(ctx, 'context', ctx.config.contextApiKey);
  await importInstallerKey(ctx, 'erp', ctx.config.publishApiKey);
  await importInstallerKey(ctx, 'gdpr', ctx.config.gdprApiKey);
}
