/**
 * How a step (or a client a step calls) says it did not succeed: transient failures
 * are retried with backoff, permanent ones need a person. Its own module, so that the
 * clients (chatwoot-client, redis-client) can throw them without importing the steps.
 */
import type { Counts } from '../gdpr.schema.js';

/** A step that did not succeed. Transient: retried with backoff, then later. Permanent: needs a person. */
export class StepFailure extends Error {
  constructor(
    readonly permanent: boolean,
    message: string,
    readonly counts: Counts = {},
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

export const transient = (message: string, counts?: Counts): StepFailure =>
  new StepFailure(false, message, counts);
export const permanent = (message: string, counts?: Counts): StepFailure =>
  new StepFailure(true, message, counts);
