// ESLint 9 flat config: typescript-eslint's type-aware recommended rules over src/ and test/
// (no-floating-promises and no-misused-promises above all: a promise nobody awaits is a
// crash or a lost write waiting to happen), the plain recommended set over the JS entry
// points. Formatting is Prettier's job (npm run format:check), not ESLint's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'templates/**', 'compose/**'] },
  {
    files: ['**/*.{js,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        project: ['./tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // A `let` read by closures before its one assignment (the daemon's late-bound parts) stays a let.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Fastify handlers, op functions and interface implementations are async by contract,
      // whether or not this one awaits anything: the rule would fight the code's shape.
      '@typescript-eslint/require-await': 'off',
      // The code matches control characters on purpose (NUL that jsonb refuses, ANSI escapes).
      'no-control-regex': 'off',
    },
  },
  {
    // Tests read JSON bodies and parsed output (typed `any` by JSON.parse and inject) and
    // assert on them; an `any` there is checked by the assertion, not carried anywhere.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // expect(obj.method).toHaveBeenCalled() and friends pass methods unbound on purpose.
      '@typescript-eslint/unbound-method': 'off',
      // A cast in a test states the shape the test expects to read back; leave it.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    // The admin page's browser code: classic scripts sharing one scope (joined by
    // scripts/admin-js.mjs), so a function used by another file is not unused; checked
    // against the DOM by their own tsconfig.
    files: ['src/admin-ui/browser/*.ts'],
    languageOptions: {
      sourceType: 'script',
      globals: globals.browser,
      parserOptions: { project: ['./src/admin-ui/browser/tsconfig.json'] },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { vars: 'local', argsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['vitest.config.ts', 'eslint.config.js'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
  },
);
