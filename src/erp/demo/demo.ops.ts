import { Type } from '@sinclair/typebox';
import { defineOp } from '../../ops/op.js';
import { seedDemo } from './seed.js';

export const demoSeed = defineOp({
  name: 'demo.seed',
  summary:
    'Load the demo ERP data (idempotent; refuses a database holding other data unless forced)',
  mutates: true,
  changes: ['erp'],
  input: Type.Object({
    force: Type.Optional(
      Type.Boolean({ description: 'load even into a database holding other data' }),
    ),
  }),
  output: Type.Object({
    customers: Type.Integer(),
    rentals: Type.Integer(),
    worklogs: Type.Integer(),
    orders: Type.Integer(),
    products: Type.Integer(),
    locations: Type.Integer(),
  }),
  run: (ctx, input) => seedDemo(ctx, { force: input.force === true }),
});

export const DEMO_OPS = [demoSeed];
