/**
 * One rotation of a secret an installed franchise's containers hold, as one command:
 * issue the new value (the old one stays valid), write it into secrets.env durably,
 * render, recreate only the consumer's container, wait until it is healthy, confirm it
 * uses the new value, then retire the old one (or activate the new one). When the
 * consumer does not come back, or cannot be confirmed, the chain rolls back: the old
 * value goes back into secrets.env, render, the consumer is recreated with it, and the
 * new value is withdrawn. Nothing here knows what the secret is: a RotationPlan says
 * how to issue, confirm, finish and withdraw it (installer-key.ts for the installer's
 * API keys; the webhook secret can be another plan).
 *
 * The steps are data (title + run) so that a front door shows them as it likes (the
 * CLI: listr2 progress); `runChain` runs them in order and decides what to roll back
 * from how far it got.
 */
import type { Random } from '../context/clock.js';
import type { StackDeps } from '../docker/stack.js';
import { KgcError } from '../errors/kgc-error.js';
import type { FranchiseRef } from '../franchise/franchise.store.js';
import { applyRender, driftOf, planRender, replaceSecret } from '../render/render.service.js';
import { secretsOnDisk } from '../render/secrets-on-disk.js';
import type { SecretName } from '../render/secrets.js';
import type { TemplateSet } from '../render/template.js';
import {
  assertRunning,
  liveConsumer,
  recreate,
  waitHealthy,
  type Consumer,
  type LiveConsumer,
} from './consumer.js';

/** How one kind of secret is rotated; the chain does the rest. */
export interface RotationPlan {
  /** For people: "the chatbot's key (KGC_API_KEY)". */
  readonly label: string;
  /** Its line in secrets.env. */
  readonly variable: SecretName;
  /** The containers that hold it (only these are recreated). */
  readonly consumers: readonly Consumer[];
  /** What a run would do, from the value in secrets.env now (dry run); changes nothing. */
  describe(current: string): Promise<string>;
  /** Issues the new value; the current one stays valid. Returns the value (kept in memory only). */
  issue(current: string): Promise<{ value: string; detail: string }>;
  /** Shows that a recreated, healthy consumer uses the new value; throws when it does not. */
  confirm(consumer: LiveConsumer, value: string): Promise<string>;
  /** After every consumer is confirmed: retire the old value (or activate the new one). */
  finish(): Promise<string>;
  /** After a rollback: the new value is withdrawn, the old one valid as before. */
  withdraw(): Promise<string>;
}

export interface ChainDeps {
  readonly ref: FranchiseRef;
  readonly templates: TemplateSet;
  readonly random: Random;
  readonly stack: StackDeps;
  /** How long a recreated consumer may take to become healthy and confirmed. */
  readonly timeoutMs: number;
}

export interface ChainStep {
  readonly title: string;
  /** Returns a detail for the report (shown beside the title). */
  run(): Promise<string>;
}

/** Runs steps in order and stops at the first that throws (the CLI shows them with listr2). */
export type StepRunner = (
  phase: 'rotate' | 'rollback',
  steps: readonly ChainStep[],
) => Promise<void>;

export interface ChainReport {
  readonly variable: string;
  readonly label: string;
  readonly outcome: 'rotated' | 'rolled_back';
  /** Services recreated (twice for a rollback). */
  readonly recreated: readonly string[];
  readonly steps: readonly { title: string; detail: string }[];
  /** Why it rolled back. */
  readonly reason?: string;
}

/** What must hold before anything changes: a rendered franchise, a value to rotate, running consumers. */
export async function prepareChain(plan: RotationPlan, deps: ChainDeps): Promise<string> {
  const { ref } = deps;
  const drift = driftOf(planRender(ref, deps.templates, deps.random));
  if (drift.length > 0)
    throw new KgcError(
      'render_stale',
      `franchise ${ref.id}: ${drift.map((d) => `${d.path} (${d.drift})`).join(', ')}: render it first (kgc-support render --franchise ${ref.id}), so that the rotation changes nothing else`,
    );
  const current = secretsOnDisk(ref).get(plan.variable);
  if (!current)
    throw new KgcError(
      'render_stale',
      `franchise ${ref.id}: secrets.env has no ${plan.variable}: run kgc-support render --franchise ${ref.id}`,
    );
  for (const c of plan.consumers) await assertRunning(ref, deps.stack.docker, c);
  return current;
}

export async function runChain(
  plan: RotationPlan,
  deps: ChainDeps,
  runSteps: StepRunner,
): Promise<ChainReport> {
  const { ref, stack } = deps;
  const current = await prepareChain(plan, deps);
  const done: { title: string; detail: string }[] = [];
  const recreated: string[] = [];
  const state = { issued: false, written: false };
  let value = '';
  const step = (title: string, run: () => Promise<string>): ChainStep => ({
    title,
    run: async () => {
      const detail = await run();
      done.push({ title, detail });
      return detail;
    },
  });
  const render = () => {
    const applied = applyRender(planRender(ref, deps.templates, deps.random), deps.templates);
    const changed = applied.files.filter((f) => f.action !== 'unchanged').map((f) => f.path);
    return Promise.resolve(changed.length > 0 ? `wrote ${changed.join(', ')}` : 'nothing changed');
  };
  const comeBack = (c: Consumer, before: string | undefined) =>
    waitHealthy(ref, stack.docker, c, before, deps.timeoutMs);

  const forward: ChainStep[] = [
    step(`Issue a new ${plan.label}; the current one stays valid`, async () => {
      const issued = await plan.issue(current);
      value = issued.value;
      state.issued = true;
      return issued.detail;
    }),
    step(`Write ${plan.variable} into secrets.env (fsync, rename)`, () => {
      replaceSecret(ref, plan.variable, value);
      state.written = true;
      return Promise.resolve('secrets.env');
    }),
    step("Render the franchise's files", render),
    ...plan.consumers.map((c) =>
      step(`Recreate ${c.service}, confirm it uses the new value`, async () => {
        const before = (await assertRunning(ref, stack.docker, c)).id;
        recreated.push(c.service);
        await recreate(ref, stack, c);
        const live = await comeBack(c, before);
        return plan.confirm(liveConsumer(stack.docker, c.service, live), value);
      }),
    ),
    step(`Retire the old ${plan.label}`, () => plan.finish()),
  ];
  try {
    await runSteps('rotate', forward);
    return {
      variable: plan.variable,
      label: plan.label,
      outcome: 'rotated',
      recreated,
      steps: done,
    };
  } catch (err) {
    if (!state.issued) throw err;
    const reason = (err as Error).message;
    const back: ChainStep[] = [
      ...(state.written
        ? [
            step(`Put the old ${plan.variable} back into secrets.env`, () => {
              replaceSecret(ref, plan.variable, current);
              return Promise.resolve('secrets.env');
            }),
            step('Render again', render),
          ]
        : []),
      ...plan.consumers
        .filter((c) => recreated.includes(c.service))
        .map((c) =>
          step(`Recreate ${c.service} with the old value`, async () => {
            const before = (await assertRunning(ref, stack.docker, c).catch(() => undefined))?.id;
            await recreate(ref, stack, c);
            await comeBack(c, before);
            return 'healthy';
          }),
        ),
      step(`Withdraw the new ${plan.label}`, () => plan.withdraw()),
    ];
    try {
      await runSteps('rollback', back);
    } catch (undoErr) {
      throw new KgcError(
        'rotation_failed',
        `the rotation of ${plan.label} failed (${reason}) and so did its rollback (${(undoErr as Error).message}); the old value stays valid for the grace period: fix the cause, then run the command again`,
        { cause: undoErr },
      );
    }
    return {
      variable: plan.variable,
      label: plan.label,
      outcome: 'rolled_back',
      recreated,
      steps: done,
      reason,
    };
  }
}
