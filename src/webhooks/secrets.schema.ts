import { Type, type Static } from '@sinclair/typebox';

const Iso = Type.String({ format: 'date-time' });

/** A secret as shown: never its value, a fingerprint prefix to recognise it. */
export const SecretInfo = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('current'), Type.Literal('grace'), Type.Literal('expired')]),
  source: Type.String({ description: 'generated, env (SUPPORT_WEBHOOK_SECRET) or rotation' }),
  fingerprint: Type.String({ description: 'First 12 hex digits of its SHA-256' }),
  created_at: Iso,
  created_by: Type.String(),
  expires_at: Type.Union([Iso, Type.Null()]),
});
export type SecretInfo = Static<typeof SecretInfo>;

export const RotateSecretInput = Type.Object({
  grace: Type.Optional(
    Type.String({
      default: '24h',
      description: 'How long the previous secrets keep signing webhook-signature',
    }),
  ),
});
export type RotateSecretInput = Static<typeof RotateSecretInput>;

export const RotatedSecret = Type.Object({
  secret: Type.String({
    description: "The new secret: shown once; put it in Support's SUPPORT_WEBHOOK_SECRET",
  }),
  current: SecretInfo,
  previous: Type.Array(SecretInfo),
});
export type RotatedSecret = Static<typeof RotatedSecret>;
