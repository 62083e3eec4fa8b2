import { Type, type Static } from '@sinclair/typebox';

/**
 * What can be switched off alone while the module stays on, and what each one closes.
 * booking: seed 4.2 books appointments "ha engedélyezett" (if enabled).
 */
export const CAPABILITIES = ['booking'] as const;
export type Capability = (typeof CAPABILITIES)[number];
export const Capability = Type.Union(CAPABILITIES.map((c) => Type.Literal(c)));

export const CAPABILITY_DOORS: Readonly<Record<Capability, string>> = {
  booking: 'POST /api/service/appointments',
};

export function isCapability(name: string): name is Capability {
  return (CAPABILITIES as readonly string[]).includes(name);
}

const When = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const SwitchState = Type.Object({
  enabled: Type.Boolean(),
  changed_at: When,
  changed_by: Type.String(),
});
export type SwitchState = Static<typeof SwitchState>;

/**
 * SUPPORT_MODULE_ENABLED against the stored switch. The rule: the environment is applied
 * at a start where its value differs from the one applied last time; otherwise the
 * stored switch (enable/disable at run time) decides.
 */
export const EnvironmentSwitch = Type.Object({
  variable: Type.Literal('SUPPORT_MODULE_ENABLED'),
  /** The daemon's environment; null when unset. */
  value: Type.Union([Type.Boolean(), Type.Null()]),
  agrees: Type.Boolean(),
  detail: Type.String(),
});
export type EnvironmentSwitch = Static<typeof EnvironmentSwitch>;

export const PluginState = Type.Object({
  enabled: Type.Boolean(),
  changed_at: When,
  changed_by: Type.String(),
  capabilities: Type.Object(
    Object.fromEntries(CAPABILITIES.map((c) => [c, SwitchState])) as Record<
      Capability,
      typeof SwitchState
    >,
  ),
  environment: EnvironmentSwitch,
});
export type PluginState = Static<typeof PluginState>;

export const SwitchInput = Type.Object({
  capability: Type.Optional(
    Type.Union(
      CAPABILITIES.map((c) => Type.Literal(c)),
      {
        description: `Switch one capability instead of the whole module: ${CAPABILITIES.map((c) => `${c} (${CAPABILITY_DOORS[c]})`).join(', ')}`,
      },
    ),
  ),
});
export type SwitchInput = Static<typeof SwitchInput>;
