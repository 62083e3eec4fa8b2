/**
 * The admin page's script is TypeScript (src/admin-ui/browser/), served as the JavaScript
 * scripts/admin-js.mjs generates from it: the generated module must be current (a change
 * to the browser code without `npm run build` would otherwise ship the old page), and what
 * /admin/assets/admin.js serves must be plain JavaScript a browser parses.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ADMIN_JS } from '../../src/admin-ui/assets/admin-js.generated.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the admin page script', () => {
  it('is generated from the current browser code', () => {
    expect(() =>
      execFileSync(process.execPath, ['scripts/admin-js.mjs', '--check'], { cwd: ROOT }),
    ).not.toThrow();
  });

  it('notices a browser file changed since the generation', () => {
    // A copy of what the script reads, with one browser file changed.
    const dir = mkdtempSync(join(tmpdir(), 'kgc-admin-js-'));
    try {
      for (const p of ['scripts', 'src/admin-ui', 'package.json', '.prettierrc.json'])
        cpSync(join(ROOT, p), join(dir, p), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      const page = join(dir, 'src/admin-ui/browser/page.ts');
      writeFileSync(page, `${readFileSync(page, 'utf8')}\n// changed\n`);
      const r = spawnSync(process.execPath, ['scripts/admin-js.mjs', '--check'], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/admin-js\.generated\.ts is stale: run npm run build/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is plain JavaScript: it parses, holds no type syntax, and runs in a strict scope of its own', () => {
    // Compiled, not run.
    expect(() => new Script(ADMIN_JS, { filename: 'admin.js' })).not.toThrow();
    expect(ADMIN_JS).not.toMatch(/\binterface \w+|: HTMLElement\b|as HTMLInputElement/);
    expect(ADMIN_JS.trimStart()).toMatch(/^\(function \(\) \{\s+'use strict';/);
    expect(ADMIN_JS.trimEnd()).toMatch(/\}\)\(\);$/);
  });
});
