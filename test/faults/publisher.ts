/**
 * The ERP as a fault test plays it: publishers that POST /api/events with their own
 * ids, each retrying the same id (so at most one event) until it is acknowledged
 * (202, or 200 for a replay), and a count of every answer. An id counts as
 * acknowledged only once a 2xx came back: the promise of the daemon.
 */
import { until, type TestReceiver } from '../helpers/receiver.js';
import { SAMPLES } from '../helpers/webhooks.js';

export interface PublishLoad {
  /** Ids the daemon acknowledged (2xx). */
  readonly acked: Set<string>;
  /** Every answer by status ('error' for no answer at all). */
  readonly statuses: Map<string, number>;
  /** Problem codes of the non-2xx answers. */
  readonly codes: Map<string, number>;
  /** The 5xx answers that were not a store fault. */
  readonly unexpected: string[];
  stop(): Promise<void>;
}

const bump = (m: Map<string, number>, k: string): void => {
  m.set(k, (m.get(k) ?? 0) + 1);
};

export function startPublishers(
  url: () => string,
  key: string,
  opts: { workers: number; prefix: string; pauseMs?: number },
): PublishLoad {
  const acked = new Set<string>();
  const statuses = new Map<string, number>();
  const codes = new Map<string, number>();
  const unexpected: string[] = [];
  let running = true;
  const worker = async (w: number): Promise<void> => {
    for (let i = 0; running; i++) {
      const id = `${opts.prefix}-${w}-${i}`;
      // The same id until acknowledged; a stop leaves the last one unacknowledged (not counted).
      while (running) {
        let status = 'error';
        try {
          const res = await fetch(`${url()}/api/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ id, event: 'order.arrived', data: SAMPLES['order.arrived'] }),
            signal: AbortSignal.timeout(30_000),
          });
          status = String(res.status);
          const body = await res.text();
          if (res.ok) {
            acked.add(id);
            bump(statuses, status);
            break;
          }
          const code = (JSON.parse(body) as { code?: string }).code ?? '?';
          bump(codes, code);
          if (res.status >= 500 && code !== 'store_unavailable' && code !== 'storage_full')
            unexpected.push(`${res.status} ${body.slice(0, 300)}`);
        } catch {
          /* no answer: refused or reset while the daemon restarts its port */
        }
        bump(statuses, status);
        await new Promise((r) => setTimeout(r, 100));
      }
      if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
    }
  };
  const all = Array.from({ length: opts.workers }, (_, w) => worker(w));
  return {
    acked,
    statuses,
    codes,
    unexpected,
    async stop() {
      running = false;
      await Promise.all(all);
    },
  };
}

/** Deliveries per webhook-id: how many ids arrived more than once, and the most copies of one. */
export function duplicates(ids: readonly string[]): { ids: number; extra: number } {
  const n = new Map<string, number>();
  for (const id of ids) n.set(id, (n.get(id) ?? 0) + 1);
  const twice = [...n.values()].filter((c) => c > 1);
  return { ids: twice.length, extra: twice.reduce((a, c) => a + c - 1, 0) };
}

/**
 * Waits until every acknowledged id has reached the receiver, then says what arrived
 * (`got`), which acknowledged ids never did (`lost`) and the repeats (`dup`).
 */
export async function accountDeliveries(
  acked: readonly string[],
  rx: Pick<TestReceiver, 'deliveries'>,
  timeoutMs: number,
): Promise<{ got: Set<string>; lost: string[]; dup: { ids: number; extra: number } }> {
  const idsOf = () => rx.deliveries.map((x) => String(x.headers['webhook-id']));
  await until(
    () => {
      const got = new Set(idsOf());
      return acked.every((id) => got.has(id));
    },
    timeoutMs,
    'every acknowledged event to be delivered',
  );
  const ids = idsOf();
  const got = new Set(ids);
  return { got, lost: acked.filter((id) => !got.has(id)), dup: duplicates(ids) };
}
