import { defineOp } from '../ops/op.js';
import { identifyKey, withdrawRotation } from './rotation.service.js';
import {
  CreateKeyInput,
  IdentifyKeyInput,
  WithdrawnRotation,
  ExpiringInput,
  ImportedKey,
  ImportKeyInput,
  IssuedKey,
  KeyIdInput,
  KeyInfo,
  KeyList,
  ListKeysInput,
  RotatedKey,
  RotateKeyInput,
  UpdateKeyInput,
} from './keys.schema.js';
import { importKey } from './key-import.js';
import { updateKeyRate } from './key-update.js';
import { createKey, expiringKeys, getKey, listKeys, revokeKey, rotateKey } from './keys.service.js';

export const keysCreate = defineOp({
  name: 'keys.create',
  summary: 'Issue an API key (shown once)',
  mutates: true,
  changes: ['keys'],
  input: CreateKeyInput,
  output: IssuedKey,
  resourceOf: (_i, o) => o.key?.id,
  run: createKey,
});

export const keysList = defineOp({
  name: 'keys.list',
  summary: 'List API keys',
  mutates: false,
  input: ListKeysInput,
  output: KeyList,
  run: listKeys,
});

export const keysShow = defineOp({
  name: 'keys.show',
  summary: 'Show one API key',
  mutates: false,
  input: KeyIdInput,
  output: KeyInfo,
  run: (ctx, i) => getKey(ctx, i.id),
});

export const keysRotate = defineOp({
  name: 'keys.rotate',
  summary: 'Issue a successor; the old key lives on for a grace period',
  mutates: true,
  changes: ['keys'],
  input: RotateKeyInput,
  output: RotatedKey,
  resourceOf: (i) => i.id,
  run: rotateKey,
});

export const keysRevoke = defineOp({
  name: 'keys.revoke',
  summary: 'Revoke an API key at once',
  mutates: true,
  changes: ['keys'],
  input: KeyIdInput,
  output: KeyInfo,
  resourceOf: (i) => i.id,
  run: revokeKey,
});

export const keysExpiring = defineOp({
  name: 'keys.expiring',
  summary: 'Keys that expire within a window',
  mutates: false,
  input: ExpiringInput,
  output: KeyList,
  run: expiringKeys,
});

export const keysImport = defineOp({
  name: 'keys.import',
  summary: 'Register a key made elsewhere (its hash only)',
  mutates: true,
  changes: ['keys'],
  input: ImportKeyInput,
  output: ImportedKey,
  resourceOf: (_i, o) => o.key?.id,
  run: importKey,
});

export const keysIdentify = defineOp({
  name: 'keys.identify',
  summary: 'The key a value is, by its SHA-256 (the value never travels)',
  mutates: false,
  input: IdentifyKeyInput,
  output: KeyInfo,
  run: identifyKey,
});

export const keysWithdrawRotation = defineOp({
  name: 'keys.withdraw-rotation',
  summary: 'Withdraw a rotation: revoke the successor, the old key is active again',
  mutates: true,
  changes: ['keys'],
  input: KeyIdInput,
  output: WithdrawnRotation,
  resourceOf: (i) => i.id,
  run: withdrawRotation,
});

export const keysUpdate = defineOp({
  name: 'keys.update',
  summary: "Change a key's rate limit (default: its scopes' default)",
  mutates: true,
  changes: ['keys'],
  input: UpdateKeyInput,
  output: KeyInfo,
  resourceOf: (i) => i.id,
  run: updateKeyRate,
});

export const KEYS_OPS = [
  keysUpdate,
  keysCreate,
  keysList,
  keysShow,
  keysRotate,
  keysRevoke,
  keysExpiring,
  keysImport,
  keysIdentify,
  keysWithdrawRotation,
];
