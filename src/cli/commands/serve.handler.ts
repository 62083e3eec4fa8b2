import { checkDaemonEnv, describeProblems } from '../../config/daemon-env-check.js';
import { startDaemon } from '../../daemon/daemon.js';
import { isKgcError, KgcError } from '../../errors/kgc-error.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { cliConfig } from '../run-op.js';

/** Runs until `stop` (SIGTERM or SIGINT), then shuts down in order and returns; a stop while starting too. */
export async function serve(
  io: CliIO,
  g: GlobalOptions,
  o: { port?: string; host?: string; demo?: boolean },
  stop: AbortSignal = new AbortController().signal,
): Promise<void> {
  const out = outputFor(io, g);
  // Every value the daemon would refuse, all at once, before anything is opened.
  const problems = checkDaemonEnv(io.env, { dataDir: g.dataDir, port: o.port, host: o.host });
  if (problems.length > 0)
    throw new KgcError('invalid_config', `the daemon cannot start:\n${describeProblems(problems)}`);
  const config = cliConfig(io, g, { port: o.port, host: o.host });
  let demoKey: { key: string; id: string } | undefined;
  let daemon;
  try {
    daemon = await startDaemon({
      config,
      demo: o.demo === true,
      signal: stop,
      onDemoKey: (key, id) => {
        demoKey = { key, id };
      },
    });
  } catch (err) {
    // Stopped before it was ready (waiting for its store or the ERP's): a clean stop, exit 0.
    if (stop.aborted && isKgcError(err) && err.code === 'interrupted') {
      out.info(`${String(stop.reason)}: stopped while starting (${err.message})`);
      return;
    }
    throw err;
  }
  if (demoKey) {
    // Shown once, on the terminal only: never in the log.
    io.writeErr(
      [
        '',
        `Demo API key ${demoKey.id} (support:read, support:appointments), shown once:`,
        '',
        `  ${demoKey.key}`,
        '',
        'Try it:',
        `  curl -H "Authorization: Bearer ${demoKey.key}" ${daemon.url}/api/service/worklogs/M-2025-0123/status`,
        '',
      ].join('\n'),
    );
  }
  out.info(`kgc-support listening on ${daemon.url} (admin socket ${daemon.adminSocket})`);
  if (!stop.aborted)
    await new Promise<void>((resolve) =>
      stop.addEventListener('abort', () => resolve(), { once: true }),
    );
  out.info(`${String(stop.reason)}: shutting down`);
  try {
    await daemon.close();
  } catch (err) {
    out.error(`shutdown: ${(err as Error).message}`);
    io.exitCode = 1;
  }
}
