import type { Config } from '../config/settings.js';
import type { Db } from '../store/db.js';
import type { Clock, Random } from './clock.js';
import type { Logger } from './logger.js';

/**
 * The explicit context every business function receives: no module globals.
 * `db` holds the daemon's own state (schema kgc_support); `erp` reads the ERP
 * contract (schema kgc_erp), which is the same database unless ERP_DATABASE_URL is set.
 */
export interface Ctx {
  readonly config: Config;
  readonly db: Db;
  readonly erp: Db;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random: Random;
  /** Who is acting, for the audit log: "cli:alice@host", "api:key_…", "daemon". */
  readonly actor: string;
}
