import { Type } from '@sinclair/typebox';
import { defineOp } from '../../ops/op.js';
import { seedDemo } from './seed.js';

export const demoSeed = defineOp({
  name: 'demo.seed', summary: 'Load the demo ERP data (idempotent)', mutates: true,
  input: Type.Object({}),
  output: Type.Object({
    customers: Type.Integer(), rentals: Type.Integer(), worklogs: Type.Integer(),
    orders: Type.Integer(), products: Type.Integer(), locations: Type.Integer(),
  }),
  run: (ctx) => seedDemo(ctx),
});

export const DEMO_OPS = [demoSeed];
