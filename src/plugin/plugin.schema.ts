import { Type, type Static } from '@sinclair/typebox';

export const PluginState = Type.Object({
  enabled: Type.Boolean(),
  changed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  changed_by: Type.String(),
});
export type PluginState = Static<typeof PluginState>;
