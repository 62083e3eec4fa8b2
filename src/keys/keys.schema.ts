import { Type, type Static } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const KeyStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('rotated'),
  Type.Literal('expired'),
  Type.Literal('revoked'),
]);

/** A key as shown to people and scripts: never the key or its hash. */
export const KeyInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the key, to recognise it' }),
  scopes: Type.Array(Type.String()),
  status: KeyStatus,
  rate_limit: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  created_by: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
  revoked_at: Nullable(Type.String({ format: 'date-time' })),
  rotated_to: Nullable(Type.String()),
  rotated_from: Nullable(Type.String()),
  last_used_at: Nullable(Type.String({ format: 'date-time' })),
});
export type KeyInfo = Static<typeof KeyInfo>;

/** The one time a key is shown in full. */
export const IssuedKey = Type.Object({
  key: KeyInfo,
  api_key: Type.String({ description: 'The key itself: shown once, stored only as a hash' }),
});
export type IssuedKey = Static<typeof IssuedKey>;

export const CreateKeyInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  scopes: Type.Array(Type.String(), { minItems: 1 }),
  expires_in: Type.Optional(Type.String({ default: '90d' })),
  rate_limit: Type.Optional(
    Type.String({ description: "e.g. 100/s; default: the key's scopes' default rate" }),
  ),
});
export type CreateKeyInput = Static<typeof CreateKeyInput>;

export const RotateKeyInput = Type.Object({
  id: Type.String(),
  grace: Type.Optional(Type.String({ default: '24h' })),
  expires_in: Type.Optional(
    Type.String({ description: "The successor's lifetime; default: the old key's" }),
  ),
});
export type RotateKeyInput = Static<typeof RotateKeyInput>;

export const RotatedKey = Type.Object({
  key: KeyInfo,
  api_key: Type.String(),
  previous: KeyInfo,
});
export type RotatedKey = Static<typeof RotatedKey>;

export const KeyIdInput = Type.Object({ id: Type.String() });
export const ListKeysInput = Type.Object({ all: Type.Optional(Type.Boolean({ default: false })) });
export const ExpiringInput = Type.Object({
  within: Type.Optional(Type.String({ default: '14d' })),
});
export const KeyList = Type.Array(KeyInfo);

export const ImportKeyInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  scopes: Type.Array(Type.String(), { minItems: 1 }),
  api_key: Type.String({ minLength: 1, maxLength: 200 }),
  expires_in: Type.Optional(Type.String({ default: '90d' })),
  rate_limit: Type.Optional(
    Type.String({
      description: 'e.g. 500/s,burst=1000, or default; on a key already known, its new rate',
    }),
  ),
});

export const UpdateKeyInput = Type.Object({
  id: Type.String(),
  rate_limit: Type.String({
    description: "e.g. 500/s,burst=1000; default: the key's scopes' default rate",
  }),
});

export const ImportedKey = Type.Object({ key: KeyInfo, created: Type.Boolean() });

export const IdentifyKeyInput = Type.Object({
  sha256: Type.String({
    pattern: '^[0-9a-fA-F]{64}$',
    description: "SHA-256 (hex) of a key's value: the value itself never travels",
  }),
});

export const WithdrawnRotation = Type.Object({
  key: KeyInfo,
  withdrawn: Type.Union([KeyInfo, Type.Null()]),
});
