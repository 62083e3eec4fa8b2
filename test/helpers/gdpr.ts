/**
 * A world for the erasure tests: a store (either engine) with the demo ERP plus two
 * customers seeded into every table that references a customer, real files in a
 * temporary memory root, real Redis keys under this run's own prefix, a Chatwoot
 * stand-in, and fakes of the dispatcher port. The neighbour's id (C-90010) starts
 * with the target's (C-9001), so any match that is not exact would hit it.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Ctx } from '../../src/context/context.js';
import { seedDemo } from '../../src/erp/demo/seed.js';
import { createErasureDeps, type ErasureDeps } from '../../src/gdpr/deps.js';
import type {
  CustomerDeletedEvent,
  DeliveryState,
  SupportNotifier,
} from '../../src/gdpr/support-notifier.js';
import type { Queryable } from '../../src/context/db.js';
import { ChatwootStandin, type StandinContact } from './chatwoot-standin.js';
import { createTestStore, type StoreKind, type TestStore } from './store.js';

export interface Person {
  id: string;
  name: string;
  phone: string;
  email: string;
}
export const TARGET: Person = {
  id: 'C-9001',
  name: 'Törlendő Erasmus',
  phone: '+36301239001',
  email: 'erasmus.9001@example.com',
};
export const NEIGHBOUR: Person = {
  id: 'C-90010',
  name: 'Megmaradó Marianna',
  phone: '+36301239002',
  email: 'marianna.90010@example.com',
};
/** What must not be found anywhere after the erasure (the phone also without its +36). */
export const needles = (p: Person): string[] => [p.name, p.phone, p.phone.slice(3), p.email];

/** The dispatcher port in memory: `mode` decides what a published event becomes. */
export class FakeNotifier implements SupportNotifier {
  mode: 'deliver' | 'hold' | 'dead' | 'skip' = 'deliver';
  readonly states = new Map<string, DeliveryState>();
  readonly published: CustomerDeletedEvent[] = [];
  readonly redelivered: string[] = [];
  private next(): DeliveryState {
    return this.mode === 'deliver'
      ? 'delivered'
      : this.mode === 'hold'
        ? 'pending'
        : this.mode === 'dead'
          ? 'dead'
          : 'skipped';
  }
  async publish(_ctx: Ctx, e: CustomerDeletedEvent) {
    this.published.push(e);
    if (!this.states.has(e.id)) this.states.set(e.id, this.next());
    return { eventId: e.id };
  }
  async deliveryState(_ctx: Ctx, id: string) {
    return this.states.get(id) ?? 'unknown';
  }
  async redeliver(_ctx: Ctx, id: string) {
    this.redelivered.push(id);
    this.states.set(id, this.next());
  }
}

/** The dispatcher port over a real table (idempotent insert on the event id, as the events store is). */
export function tableNotifier(
  q: Queryable,
  status: () => DeliveryState,
): SupportNotifier & { setup(): Promise<void> } {
  return {
    async setup() {
      await q.exec(`CREATE SCHEMA IF NOT EXISTS gdpr_fake;
        CREATE TABLE IF NOT EXISTS gdpr_fake.events (id text PRIMARY KEY, type text NOT NULL, data jsonb NOT NULL, status text NOT NULL, published integer NOT NULL DEFAULT 1)`);
    },
    async publish(_ctx, e) {
      await q.query(
        `INSERT INTO gdpr_fake.events (id, type, data, status) VALUES ($1, $2, $3, $4)
        ON CONFLICT (id) DO UPDATE SET published = gdpr_fake.events.published + 1`,
        [e.id, e.type, JSON.stringify(e.data), status()],
      );
      return { eventId: e.id };
    },
    async deliveryState(_ctx, id) {
      const { rows } = await q.query<{ status: DeliveryState }>(
        `SELECT status FROM gdpr_fake.events WHERE id = $1`,
        [id],
      );
      return rows[0]?.status ?? 'unknown';
    },
    async redeliver(_ctx, id) {
      await q.query(`UPDATE gdpr_fake.events SET status = $2 WHERE id = $1`, [id, status()]);
    },
  };
}

export interface GdprWorld {
  ts: TestStore;
  /** The environment of this world, for running the CLI against it (PostgreSQL worlds: the same database). */
  env: Record<string, string>;
  ctx: Ctx;
  memoryRoot: string;
  prefix: string;
  redis: Redis;
  chatwoot: ChatwootStandin;
  notifier: FakeNotifier;
  contacts: {
    target: StandinContact;
    targetByPhone: StandinContact;
    neighbour: StandinContact;
    lookalike: StandinContact;
  };
  deps(overrides?: Partial<Omit<ErasureDeps, 'close'>>): ErasureDeps;
  /** Rows (per table) of kgc_erp and kgc_support whose text contains any of the needles. */
  traces(needleList: readonly string[]): Promise<Record<string, number>>;
  /** Rows (per table) that name the customer id as a whole word (C-9001, not C-90010). */
  idTraces(id: string): Promise<Record<string, number>>;
  memoryFiles(): string[];
  redisKeys(): Promise<string[]>;
  close(): Promise<void>;
}

const row = (q: Queryable, table: string, values: Record<string, unknown>) => {
  const cols = Object.keys(values);
  return q.query(
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
    Object.values(values),
  );
};

async function seedPerson(q: Queryable, p: Person, n: number, slotDay: string): Promise<void> {
  await row(q, 'kgc_erp.customers', {
    id: p.id,
    name: p.name,
    phone: p.phone,
    email: p.email,
    tax_number: `84000${n}`,
    id_card_number: `ID${n}XY`,
  });
  await row(q, 'kgc_erp.rentals', {
    id: `R-${p.id}`,
    customer_id: p.id,
    machine_id: 'MAK-TV01',
    location_id: 'BP-01',
    rental_start: '2025-12-01',
    rental_end: '2025-12-03',
    status: 'returned',
  });
  await row(q, 'kgc_erp.worklogs', {
    id: `M-${p.id}`,
    customer_id: p.id,
    machine_name: 'Stihl láncfűrész MS 170',
    status: 'javítás',
  });
  await row(q, 'kgc_erp.orders', {
    id: `O-${p.id}`,
    customer_id: p.id,
    location_id: 'BP-01',
    status: 'rendelve',
    ordered_at: new Date('2025-12-20T10:00:00Z'),
  });
  await row(q, 'kgc_erp.order_items', {
    order_id: `O-${p.id}`,
    line_no: 1,
    sku: 'MAK-DGA452',
    name: 'Makita akkus fúró',
    quantity: 1,
    status: 'rendelve',
  });
  await row(q, 'kgc_erp.order_items', {
    order_id: `O-${p.id}`,
    line_no: 2,
    sku: 'STI-OIL-1L',
    name: 'Stihl lánckenő olaj 1 l',
    quantity: 2,
    status: 'rendelve',
  });
  // A booking linked to the customer, with its copies of name and phone and a note naming them.
  await row(q, 'kgc_erp.appointments', {
    id: `A-${p.id}`,
    location_id: 'BP-01',
    slot_start: new Date(`${slotDay}T0${n}:00:00Z`),
    slot_minutes: 30,
    customer_id: p.id,
    customer_name: p.name,
    customer_phone: p.phone,
    note: `hívja vissza: ${p.phone}, ${p.email}`,
    worklog_id: `M-${p.id}`,
  });
  // A booking made by phone before they were a customer: no link, the copies only.
  await row(q, 'kgc_erp.appointments', {
    id: `A-${p.id}-U`,
    location_id: 'DEB-01',
    slot_start: new Date(`${slotDay}T0${n}:00:00Z`),
    slot_minutes: 30,
    customer_id: null,
    customer_name: p.name,
    customer_phone: p.phone,
    note: null,
  });
}

/** Every key matching `pattern`, sorted (SCAN, as the cascade does; never KEYS). */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found.sort();
}

/** Counts, per table of kgc_erp and kgc_support, the rows `x` for which `where` holds. */
async function countRows(
  ctx: Ctx,
  where: string,
  params: unknown[],
): Promise<Record<string, number>> {
  const { rows: tables } = await ctx.db.query<{ s: string; t: string }>(
    `SELECT table_schema AS s, table_name AS t FROM information_schema.tables
     WHERE table_schema IN ('kgc_erp', 'kgc_support') AND table_type = 'BASE TABLE' ORDER BY 1, 2`,
  );
  const out: Record<string, number> = {};
  for (const { s, t } of tables) {
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${s}.${t} x WHERE ${where}`,
      params,
    );
    if ((rows[0]?.n ?? 0) > 0) out[`${s}.${t}`] = rows[0]?.n ?? 0;
  }
  return out;
}

export async function createGdprWorld(
  kind: StoreKind,
  env: Record<string, string> = {},
): Promise<GdprWorld> {
  const token = `cw_${randomBytes(8).toString('hex')}`;
  const chatwoot = new ChatwootStandin(token, 7);
  await chatwoot.start();
  const memoryRoot = mkdtempSync(join(tmpdir(), 'kgc-memory-'));
  const prefix = `kgct:${process.pid}:${randomBytes(4).toString('hex')}:`;
  const worldEnv: Record<string, string> = {
    SUPPORT_MEMORY_ROOT: memoryRoot,
    REDIS_URL: 'redis://127.0.0.1:6379',
    CHATWOOT_URL: chatwoot.url,
    CHATWOOT_API_TOKEN: token,
    CHATWOOT_ACCOUNT_NUMBER: '7',
    KGC_GDPR_REDIS_PATTERNS: `${prefix}support:customer:{id},${prefix}support:customer:{id}:*,${prefix}chat:{id}:*`,
    KGC_GDPR_STEP_ATTEMPTS: '2',
    KGC_GDPR_STEP_BACKOFF: '10ms',
    KGC_GDPR_WEBHOOK_WAIT: '300ms',
    KGC_GDPR_HTTP_TIMEOUT: '2s',
    ...env,
  };
  const ts = await createTestStore(kind, { env: worldEnv });
  const { ctx } = ts;
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
  await redis.connect();

  await seedDemo(ctx);
  await ctx.erp.tx(async (q) => {
    await seedPerson(q, TARGET, 1, '2026-03-02');
    await seedPerson(q, NEIGHBOUR, 2, '2026-03-02');
  });
  for (const p of [TARGET, NEIGHBOUR]) {
    await ctx.db.query(
      `INSERT INTO kgc_support.idempotency (key_id, idem_key, route, request_hash, status, response, created_at)
      VALUES ('key_test', $1, 'POST /api/service/appointments', 'h', 201, $2, now())`,
      [
        `idem-${p.id}`,
        JSON.stringify({ appointment_id: `A-${p.id}`, customer_id: p.id, status: 'booked' }),
      ],
    );
  }

  const dir = join(memoryRoot, 'kgc-support', 'customers');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(memoryRoot, 'kgc-support', 'identity.json'), '{"persona":"Kokó"}');
  for (const p of [TARGET, NEIGHBOUR])
    writeFileSync(
      join(dir, `${p.id}.json`),
      JSON.stringify({ name: p.name, phone: p.phone, history: ['Szia!'] }),
    );
  writeFileSync(join(dir, `${TARGET.id}.json.bak`), JSON.stringify({ name: TARGET.name }));

  const pipe = redis.pipeline();
  for (const p of [TARGET, NEIGHBOUR]) {
    pipe.set(`${prefix}support:customer:${p.id}`, JSON.stringify({ name: p.name, phone: p.phone }));
    pipe.hset(`${prefix}support:customer:${p.id}:profile`, 'email', p.email);
    pipe.rpush(`${prefix}chat:${p.id}:history`, 'Szia!', 'Mikor lesz kész?');
  }
  // Enough keys that the erasure needs several SCAN rounds and UNLINK batches.
  for (let i = 0; i < 1200; i++) pipe.set(`${prefix}chat:${TARGET.id}:msg:${i}`, 'x');
  await pipe.exec();

  const contacts = {
    target: chatwoot.add({
      name: TARGET.name,
      email: TARGET.email,
      phone_number: TARGET.phone,
      identifier: TARGET.id,
    }),
    // Started on WhatsApp before the chatbot knew the customer id: the phone is all it has.
    targetByPhone: chatwoot.add({
      name: 'WhatsApp user',
      email: null,
      phone_number: TARGET.phone,
      identifier: null,
    }),
    neighbour: chatwoot.add({
      name: NEIGHBOUR.name,
      email: NEIGHBOUR.email,
      phone_number: NEIGHBOUR.phone,
      identifier: NEIGHBOUR.id,
    }),
    // Matches the partial search for "C-9001" but is someone else.
    lookalike: chatwoot.add({
      name: `Ügyfél ${TARGET.id} ismerőse`,
      email: null,
      phone_number: '+36209990000',
      identifier: null,
    }),
  };
  const notifier = new FakeNotifier();

  return {
    ts,
    ctx,
    memoryRoot,
    prefix,
    redis,
    chatwoot,
    notifier,
    contacts,
    env: {
      ...worldEnv,
      KGC_SUPPORT_DATA_DIR: ts.dataDir,
      KGC_SUPPORT_LOG_LEVEL: 'silent',
      NO_COLOR: '1',
      ...(ts.config.databaseUrl ? { DATABASE_URL: ts.config.databaseUrl } : {}),
    },
    deps: (overrides = {}) => createErasureDeps(ctx, { notifier, ...overrides }),
    traces: (needleList) =>
      countRows(
        ctx,
        `EXISTS (SELECT 1 FROM unnest($1::text[]) AS n(v) WHERE position(n.v in x::text) > 0)`,
        [needleList],
      ),
    idTraces: (id) =>
      countRows(ctx, `x::text ~ $1`, [
        `(^|[^A-Za-z0-9_-])${id.replace(/[^A-Za-z0-9]/g, (c) => `\\${c}`)}($|[^A-Za-z0-9_-])`,
      ]),
    memoryFiles: () => readdirSync(dir).sort(),
    redisKeys: async () => (await scanKeys(redis, `${prefix}*`)).map((k) => k.slice(prefix.length)),
    async close() {
      // Only this run's prefix is cleaned up.
      const left = await scanKeys(redis, `${prefix}*`);
      if (left.length) await redis.unlink(...left);
      redis.disconnect();
      await chatwoot.stop();
      await ts.close();
      rmSync(memoryRoot, { recursive: true, force: true });
    },
  };
}
