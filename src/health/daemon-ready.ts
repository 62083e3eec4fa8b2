/**
 * Is the daemon ready, in words? Its /ready (application/health+json): 200 when its store
 * answers and the ERP contract is there, else 503 with the failing checks. `up`, `status`
 * and `doctor` judge by this, not by the container's liveness check: "healthy" means the
 * daemon answers the Pull API.
 */
import { httpGet, jsonBody } from './probes/http.js';

export interface Readiness {
  readonly ready: boolean;
  /** "ready", or what fails: "store: cannot connect to the ERP database (…): password authentication failed …". */
  readonly detail: string;
  /**
   * A failure that waiting will not mend (a password, a role or a database that does not
   * exist, a pg_hba refusal): the admin must change something.
   */
  readonly permanent: boolean;
}

/** PostgreSQL's words for a refusal that needs a person: wrong credentials or names. */
const PERMANENT =
  /password authentication failed|role "[^"]*" does not exist|database "[^"]*" does not exist|no pg_hba\.conf entry|permission denied for/i;

type Checks = Record<string, { status?: string; detail?: string } | undefined>;

/** The failing checks of a /ready body, as "name: detail; …". */
export function failingChecks(body: unknown): string {
  const checks = (body as { checks?: Checks } | undefined)?.checks;
  if (!checks || typeof checks !== 'object') return '';
  return Object.entries(checks)
    .filter(([, c]) => c?.status === 'fail')
    .map(([name, c]) => (c?.detail ? `${name}: ${c.detail}` : name))
    .join('; ');
}

/** One look at `${daemonUrl}/ready`. Never throws. */
export async function daemonReadiness(
  daemonUrl: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Readiness> {
  const o = await httpGet(`${daemonUrl}/ready`, { timeoutMs, signal, maxBody: 16_384 });
  if (o.kind === 'error')
    return {
      ready: false,
      detail: `${daemonUrl}/ready: ${o.error}`,
      permanent: false,
    };
  if (o.status === 200) return { ready: true, detail: 'ready', permanent: false };
  const failing = failingChecks(jsonBody(o));
  const detail = failing === '' ? `${daemonUrl}/ready answered ${o.status}` : failing;
  return { ready: false, detail, permanent: PERMANENT.test(detail) };
}
