import { Type } from '@sinclair/typebox';
import { defineOp } from '../ops/op.js';
import { PluginState } from './plugin.schema.js';
import { getPluginState, setPluginEnabled } from './plugin.service.js';

export const pluginEnable = defineOp({
  name: 'plugin.enable',
  summary: 'Switch the Support module on',
  mutates: true,
  changes: ['module'],
  input: Type.Object({}),
  output: PluginState,
  run: (ctx) => setPluginEnabled(ctx, true),
});

export const pluginDisable = defineOp({
  name: 'plugin.disable',
  summary: 'Switch the Support module off',
  mutates: true,
  changes: ['module'],
  input: Type.Object({}),
  output: PluginState,
  run: (ctx) => setPluginEnabled(ctx, false),
});

export const pluginStatus = defineOp({
  name: 'plugin.status',
  summary: 'Whether the Support module is on',
  mutates: false,
  input: Type.Object({}),
  output: PluginState,
  run: (ctx) => getPluginState(ctx),
});

export const PLUGIN_OPS = [pluginEnable, pluginDisable, pluginStatus];
