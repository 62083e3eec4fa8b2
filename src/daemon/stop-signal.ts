/**
 * The daemon's stop signal (SIGTERM, SIGINT), created before anything starts and passed
 * into every wait of the start: a stop ends the start at its next step, whatever it is
 * waiting for, and the start closes what it had opened.
 */
import { KgcError } from '../errors/kgc-error.js';

/** The error a start ends with when it was stopped (`interrupted`; the CLI exits 0 for it). */
export function stoppedWhile(signal: AbortSignal, during: string): KgcError {
  return new KgcError('interrupted', `${String(signal.reason ?? 'stopped')} while ${during}`);
}

export function throwIfStopped(signal: AbortSignal | undefined, during: string): void {
  if (signal?.aborted) throw stoppedWhile(signal, during);
}

/** Sleeps `ms`, or less when the signal fires (then resolves; the caller checks the signal). */
export function sleepUnlessStopped(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
