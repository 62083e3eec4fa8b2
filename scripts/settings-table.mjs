// Prints the README's configuration table from the settings themselves:
//   npm run build && node scripts/settings-table.mjs
// test/unit/readme.test.ts fails when a setting is missing from README.md.
import { describeConfig, loadConfig } from '../dist/config/config.js';

for (const r of describeConfig(loadConfig({ HOME: '/home/kgc' }))) {
  const value = r.value ? `\`${r.value.replace('/home/kgc', '~')}\`` : '(unset)';
  process.stdout.write(`| \`${r.env}\` | ${value} | ${r.doc.replace(/\|/g, '\\|')} |\n`);
}
