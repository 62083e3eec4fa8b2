/**
 * Checks a presented API key on every request. Order: shape and checksum (no
 * lookup), then the hash in a small cache, then the database. The cache is
 * dropped whenever keys change (`invalidate`, wired to change notifications) and
 * entries live at most `ttlMs` besides, so a revocation is effective at once.
 */
import type { Ctx } from '../context/context.js';
import type { Rate } from '../config/duration.js';
import { KgcError } from '../errors/kgc-error.js';
import { checkKeyShape, hashKey, KEY_LENGTH } from '../formats/api-key.js';
import * as sql from './keys.queries.js';
import type { Scope } from './scopes.js';
import type { KeyRow } from './keys.service.js';

export interface VerifiedKey {
  readonly id: string;
  readonly scopes: ReadonlySet<string>;
  /** The key's own rate limit, or undefined for the default. */
  readonly rate: Rate | undefined;
}

interface CacheEntry {
  row: KeyRow | null;
  fetchedAt: number;
}

export interface KeyVerifierOptions {
  ttlMs?: number;
  maxEntries?: number;
}

export class KeyVerifier {
  private cache = new Map<string, CacheEntry>();
  /** The VerifiedKey of each cached row, made once (rows are replaced, never mutated). */
  private verified = new WeakMap<KeyRow, VerifiedKey>();
  private inflight = new Map<string, Promise<KeyRow | null>>();
  private generation = 0;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  hits = 0;
  misses = 0;

  constructor(
    private readonly ctx: Pick<Ctx, 'db' | 'clock'>,
    opts: KeyVerifierOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 10_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  /** Forget everything: called when any key changes. */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
    this.inflight.clear();
  }

  /**
   * The fast path of every request: the key's verdict from the cache, without a
   * promise; undefined when the database must be asked (then use verify).
   */
  verifyCached(presented: string | undefined): VerifiedKey | undefined {
    if (presented === undefined || presented === '' || presented.length !== KEY_LENGTH)
      return undefined;
    const hit = this.cache.get(hashKey(presented));
    if (!hit || this.ctx.clock.now() - hit.fetchedAt >= this.ttlMs || !hit.row) return undefined;
    const verdict = this.judge(hit.row);
    if (verdict instanceof KgcError) return undefined;
    this.hits++;
    return verdict;
  }

  async verify(presented: string | undefined): Promise<VerifiedKey> {
    if (presented === undefined || presented === '')
      throw new KgcError('missing_api_key', 'this endpoint needs an API key');
    const shape = checkKeyShape(presented);
    if (shape !== 'ok') {
      throw new KgcError(
        'malformed_api_key',
        shape === 'bad_checksum'
          ? 'the API key checksum does not match: the key was mistyped or truncated'
          : 'not a kgc-support API key (they start with kgc_ and are 40 characters long)',
      );
    }
    const row = await this.lookup(hashKey(presented));
    if (!row) throw new KgcError('invalid_api_key', 'unknown API key');
    const verdict = this.judge(row);
    if (verdict instanceof KgcError) throw verdict;
    return verdict;
  }

  private judge(row: KeyRow): VerifiedKey | KgcError {
    if (row.revoked_at) return new KgcError('api_key_revoked', `API key ${row.id} was revoked`);
    if (row.expires_at.getTime() <= this.ctx.clock.now()) {
      return new KgcError(
        'api_key_expired',
        row.rotated_to
          ? `API key ${row.id} was rotated and its grace period is over; use its successor`
          : `API key ${row.id} expired at ${row.expires_at.toISOString()}`,
      );
    }
    let verified = this.verified.get(row);
    if (!verified) {
      verified = {
        id: row.id,
        scopes: new Set(row.scopes),
        rate:
          row.rate_per_sec === null
            ? undefined
            : {
                perSecond: row.rate_per_sec,
                burst: row.rate_burst ?? Math.max(10, Math.ceil(row.rate_per_sec)),
              },
      };
      this.verified.set(row, verified);
    }
    return verified;
  }

  private async lookup(hash: string): Promise<KeyRow | null> {
    const now = this.ctx.clock.now();
    const hit = this.cache.get(hash);
    if (hit && now - hit.fetchedAt < this.ttlMs) {
      this.hits++;
      return hit.row;
    }
    this.misses++;
    let pending = this.inflight.get(hash);
    if (!pending) {
      const gen = this.generation;
      pending = this.ctx.db
        .query<KeyRow>(sql.BY_HASH, [hash])
        .then(({ rows }) => {
          const row = rows[0] ?? null;
          if (gen === this.generation) {
            if (this.cache.size >= this.maxEntries) this.cache.clear();
            this.cache.set(hash, { row, fetchedAt: this.ctx.clock.now() });
          }
          return row;
        })
        .finally(() => {
          if (this.inflight.get(hash) === pending) this.inflight.delete(hash);
        });
      this.inflight.set(hash, pending);
    }
    return pending;
  }
}

/** `admin` holds every scope. */
export function hasScope(key: VerifiedKey, scope: Scope): boolean {
  return key.scopes.has(scope) || key.scopes.has('admin');
}
