import { Type } from '@sinclair/typebox';
import { defineOp } from '../ops/op.js';
import { DlqList, DlqListInput, DlqSelector, PurgeResult, ReplayResult } from './dlq.schema.js';
import { listDlq, purgeDlq, replayDlq } from './dlq.service.js';
import { PingInput, PingResult, sendPing } from './ping.js';
import {
  ActivatedSecret,
  ActivateSecretInput,
  RotatedSecret,
  RotateSecretInput,
  SecretInfo,
} from './secrets.schema.js';
import {
  activateWebhookSecret,
  listWebhookSecrets,
  rotateWebhookSecret,
} from './secrets.service.js';

/** The audit row's resource: the one event, else the type or "all". */
const selected = (i: DlqSelector, done: readonly string[] | undefined): string | undefined =>
  done?.length === 1
    ? done[0]
    : i.ids?.length === 1
      ? i.ids[0]
      : (i.type ?? (i.all ? 'all' : undefined));

export const dlqList = defineOp({
  name: 'dlq.list',
  summary: 'Dead-lettered events, newest first',
  mutates: false,
  input: DlqListInput,
  output: DlqList,
  run: listDlq,
});

export const dlqReplay = defineOp({
  name: 'dlq.replay',
  summary: 'Queue dead-lettered events again (skips delivered ones)',
  mutates: true,
  changes: ['events'],
  input: DlqSelector,
  output: ReplayResult,
  resourceOf: (i, o) => selected(i, o.replayed),
  run: replayDlq,
});

export const dlqPurge = defineOp({
  name: 'dlq.purge',
  summary: 'Delete dead-lettered events and their attempts',
  mutates: true,
  changes: ['events'],
  input: DlqSelector,
  output: PurgeResult,
  resourceOf: (i, o) => selected(i, o.purged),
  run: purgeDlq,
});

export const secretsRotateWebhook = defineOp({
  name: 'secrets.rotate-webhook',
  summary:
    'New webhook secret (shown once): signs webhook-signature now, X-KGC-Signature once activated',
  mutates: true,
  changes: ['webhook_secrets'],
  input: RotateSecretInput,
  output: RotatedSecret,
  resourceOf: (_i, o) => o.current?.id,
  run: rotateWebhookSecret,
});

export const secretsActivateWebhook = defineOp({
  name: 'secrets.activate-webhook',
  summary:
    'The rotated webhook secret signs X-KGC-Signature from now; the old ones get their grace',
  mutates: true,
  changes: ['webhook_secrets'],
  input: ActivateSecretInput,
  output: ActivatedSecret,
  resourceOf: (i, o) => o.current?.id ?? i.id,
  run: activateWebhookSecret,
});

export const secretsList = defineOp({
  name: 'secrets.list',
  summary: 'Webhook secrets without their values',
  mutates: false,
  input: Type.Object({}),
  output: Type.Array(SecretInfo),
  run: (ctx) => listWebhookSecrets(ctx),
});

export const webhookTest = defineOp({
  name: 'webhook.test',
  summary: 'Send a signed ping to Support now',
  mutates: false,
  input: PingInput,
  output: PingResult,
  run: sendPing,
});

export const WEBHOOKS_OPS = [
  dlqList,
  dlqReplay,
  dlqPurge,
  secretsRotateWebhook,
  secretsActivateWebhook,
  secretsList,
  webhookTest,
];
