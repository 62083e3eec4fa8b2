import { Type, type Static } from '@sinclair/typebox';

const Iso = Type.String({ format: 'date-time' });

/** A secret as shown: never its value, a fingerprint prefix to recognise it. */
export const SecretInfo = Type.Object({
  id: Type.String(),
  status: Type.Union(
    [
      Type.Literal('current'),
      Type.Literal('pending'),
      Type.Literal('grace'),
      Type.Literal('expired'),
    ],
    {
      description:
        'current: signs X-KGC-Signature and webhook-signature; pending: rotated, signs webhook-signature only until activated; grace: replaced, signs webhook-signature until expires_at',
    },
  ),
  source: Type.String({ description: 'generated, env (SUPPORT_WEBHOOK_SECRET) or rotation' }),
  fingerprint: Type.String({ description: 'First 12 hex digits of its SHA-256' }),
  created_at: Iso,
  created_by: Type.String(),
  activates_at: Type.Union([Iso, Type.Null()], {
    description: 'When it signs X-KGC-Signature from; null: at `secrets activate-webhook`',
  }),
  expires_at: Type.Union([Iso, Type.Null()]),
});
export type SecretInfo = Static<typeof SecretInfo>;

const Grace = Type.String({
  default: '24h',
  description:
    'How long the replaced secrets keep signing webhook-signature after the activation (0 for none, at most 30d)',
});

export const RotateSecretInput = Type.Object({
  grace: Type.Optional(Grace),
  activate_at: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'When the new secret starts signing X-KGC-Signature: an ISO 8601 time, a duration from now (2h), or "now"; without it, at `secrets activate-webhook`',
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

export const ActivateSecretInput = Type.Object({
  id: Type.Optional(
    Type.String({
      pattern: '^whs_[0-9a-f]{12}$',
      description: 'The pending secret; default the newest',
    }),
  ),
  grace: Type.Optional(
    Type.String({
      description:
        "How long the replaced secrets keep signing webhook-signature; default the rotation's --grace",
    }),
  ),
});
export type ActivateSecretInput = Static<typeof ActivateSecretInput>;

export const ActivatedSecret = Type.Object({
  current: SecretInfo,
  previous: Type.Array(SecretInfo),
});
export type ActivatedSecret = Static<typeof ActivatedSecret>;
