// What the numbers were measured on.
import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem, release } from 'node:os';

export function describeMachine() {
  const c = cpus();
  let pg = 'n/a';
  try {
    pg = execFileSync(
      'psql',
      ['-h', '127.0.0.1', '-U', 'postgres', '-tAc', 'SHOW server_version'],
      { encoding: 'utf8', timeout: 5000 },
    ).trim();
  } catch {
    /* not there */
  }
  return {
    cpu: `${c.length} × ${c[0]?.model ?? 'unknown'}`,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    free_gb: Math.round(freemem() / 2 ** 30),
    load_avg: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    kernel: release(),
    node: process.version,
    postgres: pg,
  };
}
