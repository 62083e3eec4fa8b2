/** The seed's own Python receiver (test/fixtures/seed_receiver.py), one process per call. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface SeedReceiver {
  url: string;
  /** "ok <path>" or "bad <path>", one per request, in order. */
  lines: string[];
  proc: ChildProcess;
  /** Kills it and waits for the process to end (its port is free then). */
  stop(): Promise<void>;
}

/** Starts it with WEBHOOK_SECRET = `secret`, on `port` when given (a redeploy), else any free one. */
export async function startSeedReceiver(secret: string, port?: number): Promise<SeedReceiver> {
  const proc = spawn('python3', [join(import.meta.dirname, '..', 'fixtures', 'seed_receiver.py')], {
    env: { ...process.env, WEBHOOK_SECRET: secret, ...(port ? { PORT: String(port) } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const rl = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
  const lines: string[] = [];
  const exited = once(proc, 'exit');
  const listening = await Promise.race([
    new Promise<string>((resolve) => rl.once('line', resolve)),
    exited.then(() => {
      throw new Error(`the seed receiver exited before listening (port ${port ?? 'any'})`);
    }),
  ]);
  rl.on('line', (l) => lines.push(l));
  return {
    url: `http://127.0.0.1:${listening}`,
    lines,
    proc,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill();
        await exited;
      }
    },
  };
}
