import { checkDaemonEnv, describeProblems } from '../../config/daemon-env-check.js';
import { startDaemon } from '../../daemon/daemon.js';
import { KgcError } from '../../errors/kgc-error.js';
import { outputFor, type GlobalOptions } from '../globals.js';
import type { CliIO } from '../io.js';
import { cliConfig } from '../run-op.js';

/** Runs until SIGTERM or SIGINT, then shuts down in order and returns. */
export async function serve(
  io: CliIO,
  g: GlobalOptions,
  o: { port?: string; host?: string; demo?: boolean },
): Promise<void> {
  const out = outputFor(io, g);
  // Every value the daemon would refuse, all at once, before anything is opened.
  const problems = checkDaemonEnv(io.env, { dataDir: g.dataDir, port: o.port, host: o.host });
  if (problems.length > 0)
    throw new KgcError('invalid_config', `the daemon cannot start:\n${describeProblems(problems)}`);
  const config = cliConfig(io, g, { port: o.port, host: o.host });
  let demoKey: { key: string; id: string } | undefined;
  const daemon = await startDaemon({
    config,
    demo: o.demo === true,
    onDemoKey: (key, id) => {
      demoKey = { key, id };
    },
  });
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
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      out.info(`${signal}: shutting down`);
      void daemon.close().then(resolve, (err) => {
        out.error(`shutdown: ${(err as Error).message}`);
        io.exitCode = 1;
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
