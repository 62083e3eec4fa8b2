/** The admin page's one operation for the CLI: set or reset its login password. */
import { defineOp } from '../ops/op.js';
import { IssuedPassword, issuePassword, PasswordInput } from './credentials.js';

export const adminPassword = defineOp({
  name: 'admin.password',
  summary: 'Set or reset the admin page password (printed once, stored as a scrypt hash)',
  mutates: true,
  changes: ['admin_credentials'],
  input: PasswordInput,
  output: IssuedPassword,
  resourceOf: (i) => i.user ?? 'admin',
  run: issuePassword,
});

export const ADMIN_UI_OPS = [adminPassword];
