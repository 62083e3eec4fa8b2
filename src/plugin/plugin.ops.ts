import { Type } from '@sinclair/typebox';
import { defineOp } from '../ops/op.js';
import { PluginState, SwitchInput } from './plugin.schema.js';
import { getPluginState, setSwitch } from './plugin.service.js';

export const pluginEnable = defineOp({
  name: 'plugin.enable',
  summary: 'Switch the Support module on, or one capability of it (booking)',
  mutates: true,
  changes: ['module'],
  input: SwitchInput,
  output: PluginState,
  resourceOf: (i) => i.capability,
  run: (ctx, i) => setSwitch(ctx, true, i.capability),
});

export const pluginDisable = defineOp({
  name: 'plugin.disable',
  summary: 'Switch the Support module off, or one capability of it (booking)',
  mutates: true,
  changes: ['module'],
  input: SwitchInput,
  output: PluginState,
  resourceOf: (i) => i.capability,
  run: (ctx, i) => setSwitch(ctx, false, i.capability),
});

export const pluginStatus = defineOp({
  name: 'plugin.status',
  summary: 'Whether the Support module and each of its capabilities is on',
  mutates: false,
  input: Type.Object({}),
  output: PluginState,
  run: (ctx) => getPluginState(ctx),
});

export const PLUGIN_OPS = [pluginEnable, pluginDisable, pluginStatus];
