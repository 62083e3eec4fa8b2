/** The error of a backup tool (tar, pg_dump, pg_restore) that failed: its exit code and last words. */
import { KgcError } from '../errors/kgc-error.js';

export function runFailed(
  what: string,
  r: { exitCode?: number; stderr?: unknown; shortMessage?: string },
): KgcError {
  const said = (
    typeof r.stderr === 'string' && r.stderr.trim() !== '' ? r.stderr : (r.shortMessage ?? '')
  )
    .trim()
    .split('\n')
    .slice(-10)
    .join('\n');
  return new KgcError(
    'internal',
    `${what} failed${r.exitCode !== undefined ? ` with exit code ${r.exitCode}` : ''}: ${said}`,
  );
}
