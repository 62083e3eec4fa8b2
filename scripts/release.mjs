// `npm run release`: writes release/<version>/ for the version in package.json, a release
// that installs with no registry (franchise servers are often offline):
//
//   kgc-support-<version>.tgz          the CLI package with its production dependencies
//                                      bundled (bundleDependencies) at exactly the versions
//                                      of package-lock.json: `npm install -g` of it fetches
//                                      nothing, from anywhere, and gets the tested versions
//   kgc-support-<version>-image.tar    the daemon's image (docker save), built from that
//                                      package by scripts/build-image.sh --package
//   INSTALL                            how to install both
//   SHA256SUMS                         sha256sum -c checks the three files above
//
//   npm run release                    (builds first)
//   node scripts/release.mjs [--out <dir>] [--no-image]
//
// The dependencies are installed from package-lock.json with `npm ci --omit=dev
// --engine-strict` checked against the oldest Node.js the package supports (engines.node):
// a dependency that needs a newer Node.js (cookie@2 wants 22) stops the release instead of
// warning on the franchise's server. npm's cache is preferred; the registry is asked only
// for what the cache lacks.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    'no-image': { type: 'boolean', default: false },
  },
});

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const { name, version } = pkg;
const OUT = resolve(args.out ?? join(ROOT, 'release', version));
const IMAGE = `${name}:${version}`;
/** The oldest Node.js the package supports: ">=20.19" → 20.19.0. */
const minNode = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(pkg.engines?.node ?? '');
if (!minNode) throw new Error(`package.json engines.node must be ">=X.Y": ${pkg.engines?.node}`);
const NODE_FLOOR = `${minNode[1]}.${minNode[2] ?? 0}.${minNode[3] ?? 0}`;

const started = Date.now();
const step = (what) => console.error(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${what}`);
const run = (cmd, argv, opts = {}) =>
  execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...opts });
// npm's own settings for the child npm runs, minus the lifecycle ones npm run sets.
const npmEnv = { ...process.env, npm_config_loglevel: 'error', npm_config_fund: 'false' };

if (!existsSync(join(ROOT, 'dist/cli/main.js'))) {
  console.error('build first: npm run build (npm run release does)');
  process.exit(2);
}

const stage = mkdtempSync(join(tmpdir(), 'kgc-release-'));
try {
  // 1. What `npm pack` ships (the files field), unpacked.
  step('npm pack (the files of the package)');
  const packed = JSON.parse(
    run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', stage], {
      cwd: ROOT,
      env: npmEnv,
    }),
  );
  run('tar', ['-xzf', join(stage, packed[0].filename), '-C', stage]);
  rmSync(join(stage, packed[0].filename));
  const dir = join(stage, 'package');

  // 2. The production dependencies at the locked versions, checked against the Node.js floor.
  step(`npm ci --omit=dev (locked versions, engines checked against Node.js ${NODE_FLOOR})`);
  copyFileSync(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'));
  run(
    'npm',
    [
      'ci',
      '--omit=dev',
      '--ignore-scripts',
      '--prefer-offline',
      '--engine-strict',
      `--node-version=${NODE_FLOOR}`,
      '--no-audit',
    ],
    { cwd: dir, env: npmEnv },
  );
  rmSync(join(dir, 'package-lock.json'));
  rmSync(join(dir, 'node_modules/.package-lock.json'), { force: true });

  // 3. The manifest of the release: every production dependency bundled, nothing for npm to
  // resolve; no scripts (prepare would build), no devDependencies.
  const manifest = { ...pkg, bundleDependencies: Object.keys(pkg.dependencies).sort() };
  delete manifest.devDependencies;
  delete manifest.scripts;
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  step('npm pack (with the bundled dependencies)');
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', OUT], { cwd: dir, env: npmEnv });
  const tarball = `${name}-${version}.tgz`;
  if (!existsSync(join(OUT, tarball))) throw new Error(`npm pack wrote no ${tarball} in ${OUT}`);
  const files = [tarball];

  // 4. The daemon's image from that very package, saved.
  const imageFile = `${name}-${version}-image.tar`;
  if (!args['no-image']) {
    step(`scripts/build-image.sh --package ${tarball} ${IMAGE}`);
    run('bash', [join(ROOT, 'scripts/build-image.sh'), '--package', join(OUT, tarball), IMAGE], {
      cwd: ROOT,
    });
    step(`docker save ${IMAGE}`);
    run('docker', ['save', '-o', join(OUT, imageFile), IMAGE]);
    files.push(imageFile);
  }

  // 5. INSTALL and SHA256SUMS.
  writeFileSync(
    join(OUT, 'INSTALL'),
    `${name} ${version}: install with no registry
${'='.repeat(name.length + version.length + 28)}

Needs Node.js >= ${NODE_FLOOR}, npm, and for a franchise Docker with docker compose
(or docker-compose). Nothing is downloaded: the package holds its dependencies at the
versions it was tested with, and the daemon's image is in the archive beside it.

1. Check the files:
     sha256sum -c SHA256SUMS

2. Install the command (as root, for every user):
     npm install -g --offline ./${tarball}
     kgc-support --version        # ${version}
     man kgc-support

3. Load the daemon's image into the engine:
${args['no-image'] ? '     (this release was made without the image: build it with scripts/build-image.sh)\n' : `     docker load -i ${imageFile}        # Loaded image: ${IMAGE}\n`}
4. A new franchise:   kgc-support init, then render, then up --erp (see docs/installation.md)
   An upgrade:        kgc-support upgrade --franchise <id>${args['no-image'] ? '' : ` --image-archive ${imageFile}`}
                      (a backup first; rolls back when the new daemon is not ready;
                      docs/installation.md)
`,
  );
  files.push('INSTALL');
  const sums = files
    .map(
      (f) =>
        `${createHash('sha256')
          .update(readFileSync(join(OUT, f)))
          .digest('hex')}  ${f}`,
    )
    .join('\n');
  writeFileSync(join(OUT, 'SHA256SUMS'), `${sums}\n`);

  const modules = readdirSync(join(dir, 'node_modules')).length;
  step(`release ${version} in ${OUT}`);
  console.log(
    JSON.stringify({ version, dir: OUT, files: [...files, 'SHA256SUMS'], modules }, null, 2),
  );
} finally {
  rmSync(stage, { recursive: true, force: true });
}
