/**
 * A real PostgreSQL image for the Docker tests, built offline from this host's own
 * PostgreSQL (/usr/lib/postgresql/<major>: nothing can be pulled here), the way
 * scripts/build-image.sh packs the host's node: the binaries, their modules and share
 * files, the shared libraries ldd names, busybox for /bin/sh.
 *
 * It honours the official postgres image's contract, which the rendered stacks rely on:
 * POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, POSTGRES_INITDB_ARGS,
 * POSTGRES_HOST_AUTH_METHOD and PGDATA (default /var/lib/postgresql/data, a VOLUME);
 * initdb on the first start (scripts in /docker-entrypoint-initdb.d run once), then
 * listening on 0.0.0.0:5432 with password auth (scram-sha-256) for every non-local
 * connection; it runs as the non-root user postgres (uid 999, as in the official image);
 * SIGTERM is a fast shutdown (the official image gets that from STOPSIGNAL SIGINT);
 * pg_isready, psql, pg_dump and pg_restore are on PATH and /bin/sh runs compose's
 * CMD-SHELL healthcheck. Unlike the official image, its init-time server listens on a
 * private socket, so pg_isready says "no response" until the real server is up.
 *
 * One image per host PostgreSQL version and build recipe, kept between runs as a cache;
 * every caller gets its own tag on it and removes only that tag.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { BUSYBOX } from './docker.js';

export interface PostgresImage {
  /** Repository name, e.g. kgc-test/postgresql. */
  readonly image: string;
  /** This caller's own tag. */
  readonly tag: string;
  /** image:tag */
  readonly ref: string;
  /** Removes this caller's tag (the cached image stays for the next caller). */
  remove(): Promise<void>;
}

export const PG_IMAGE = 'kgc-test/postgresql';
const UID = 999;

const ENTRYPOINT = `#!/bin/sh
# The official postgres image's docker-entrypoint.sh, smaller: init on first start, then serve.
set -eu
export PGDATA="\${PGDATA:-/var/lib/postgresql/data}"
case "\${1:-}" in
  '') set -- postgres ;;
  -*) set -- postgres "$@" ;;
esac
[ "$1" = postgres ] || exec "$@"
shift
if [ "$(id -u)" = 0 ]; then
  echo "this image runs PostgreSQL as the user postgres (uid ${UID}), not root" >&2
  exit 1
fi
mkdir -p "$PGDATA"
chmod 700 "$PGDATA" 2>/dev/null || true
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  user="\${POSTGRES_USER:-postgres}"
  db="\${POSTGRES_DB:-$user}"
  auth="\${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  if [ -z "\${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
    echo "Error: Database is uninitialized and superuser password is not specified." >&2
    echo "       Set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust)." >&2
    exit 1
  fi
  pw=$(mktemp)
  printf '%s\\n' "\${POSTGRES_PASSWORD:-}" > "$pw"
  # shellcheck disable=SC2086
  TZ="\${TZ:-Etc/UTC}" initdb --username="$user" --pwfile="$pw" --encoding=UTF8 --locale=C \\
    --auth-local=trust --auth-host="$auth" \${POSTGRES_INITDB_ARGS:-}
  rm -f "$pw"
  printf '\\nhost all all all %s\\n' "$auth" >> "$PGDATA/pg_hba.conf"
  printf "\\nlisten_addresses = '*'\\n" >> "$PGDATA/postgresql.conf"
  sock=$(mktemp -d)
  pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -c unix_socket_directories=$sock" start
  if [ "$db" != postgres ]; then
    echo 'CREATE DATABASE :"db";' | psql -v ON_ERROR_STOP=1 --no-psqlrc -h "$sock" -U "$user" -d postgres --set db="$db"
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "running $f"; . "$f" ;;
      *.sql) echo "running $f"; psql -v ON_ERROR_STOP=1 --no-psqlrc -h "$sock" -U "$user" -d "$db" -f "$f" ;;
      *) ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  rmdir "$sock" 2>/dev/null || true
  echo "PostgreSQL init process complete; ready for start up."
fi
postgres "$@" &
pid=$!
# SIGTERM (docker stop, compose down) and SIGINT: PostgreSQL's fast shutdown.
trap 'kill -INT "$pid" 2>/dev/null || true' TERM INT
status=0
while kill -0 "$pid" 2>/dev/null; do
  if wait "$pid"; then status=0; else status=$?; fi
done
exit "$status"
`;

const APPLETS = [
  'sh',
  'cat',
  'chmod',
  'env',
  'id',
  'kill',
  'ls',
  'mkdir',
  'mktemp',
  'printf',
  'ps',
  'rm',
  'rmdir',
  'sleep',
  'echo',
  'grep',
  'true',
  'false',
  'wget',
  'nc',
];

/** The host's PostgreSQL server: its newest major version under /usr/lib/postgresql (e.g. "15"). */
export function hostPostgres(): { major: string } | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base)
    .filter((d) => /^\d+$/.test(d) && existsSync(join(base, d, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  const major = majors[0];
  if (major === undefined) return undefined;
  return { major };
}

/** Why the image cannot be built here, or undefined. */
export function pgImageUnavailable(): string | undefined {
  if (!existsSync(BUSYBOX)) return `${BUSYBOX} is missing (install busybox-static)`;
  if (!hostPostgres()) return 'no PostgreSQL server under /usr/lib/postgresql (install postgresql)';
  return undefined;
}

export async function sharedLibraries(files: string[]): Promise<Set<string>> {
  const libs = new Set<string>();
  for (const f of files) {
    const r = await execa('ldd', [f], { reject: false });
    if (r.exitCode !== 0) continue; // not dynamic
    for (const line of r.stdout.split('\n')) {
      const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
      if (m?.[1]) libs.add(m[1]);
    }
  }
  return libs;
}

function chownTree(path: string): void {
  chownSync(path, UID, UID);
  if (statSync(path).isDirectory()) for (const e of readdirSync(path)) chownTree(join(path, e));
}

async function buildInto(ref: string, major: string): Promise<void> {
  const stage = mkdtempSync(join(tmpdir(), 'kgc-pg-rootfs-'));
  const root = join(stage, 'rootfs');
  try {
    const lib = `/usr/lib/postgresql/${major}`;
    const share = `/usr/share/postgresql/${major}`;
    // JIT needs LLVM (hundreds of MB); without llvmjit.so PostgreSQL runs with jit unavailable.
    const skipJit = (src: string) => !/\/llvmjit[^/]*$|\/bitcode(\/|$)/.test(src);
    mkdirSync(join(root, dirname(lib)), { recursive: true });
    cpSync(lib, join(root, lib), { recursive: true, dereference: true, filter: skipJit });
    mkdirSync(join(root, dirname(share)), { recursive: true });
    cpSync(share, join(root, share), {
      recursive: true,
      dereference: true,
      filter: (s) => !s.startsWith(`${share}/man`),
    });
    if (existsSync('/usr/share/zoneinfo'))
      cpSync('/usr/share/zoneinfo', join(root, '/usr/share/zoneinfo'), {
        recursive: true,
        dereference: true,
      });
    const binaries = [
      ...readdirSync(join(lib, 'bin')).map((b) => join(lib, 'bin', b)),
      ...readdirSync(join(lib, 'lib'))
        .filter((f) => f.endsWith('.so') && !f.startsWith('llvmjit'))
        .map((f) => join(lib, 'lib', f)),
    ];
    for (const l of await sharedLibraries(binaries)) {
      if (!existsSync(l)) continue;
      mkdirSync(join(root, dirname(l)), { recursive: true });
      copyFileSync(l, join(root, l)); // copyFileSync follows symlinks: the soname path gets the file
    }
    mkdirSync(join(root, 'bin'), { recursive: true });
    copyFileSync(BUSYBOX, join(root, 'bin', 'busybox'));
    for (const a of APPLETS) symlinkSync('busybox', join(root, 'bin', a));
    mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
    writeFileSync(join(root, 'usr/local/bin/docker-entrypoint.sh'), ENTRYPOINT);
    chmodSync(join(root, 'usr/local/bin/docker-entrypoint.sh'), 0o755);
    mkdirSync(join(root, 'etc'));
    writeFileSync(
      join(root, 'etc/passwd'),
      `root:x:0:0:root:/root:/bin/sh\npostgres:x:${UID}:${UID}:PostgreSQL:/var/lib/postgresql:/bin/sh\n`,
    );
    writeFileSync(join(root, 'etc/group'), `root:x:0:\npostgres:x:${UID}:\n`);
    writeFileSync(
      join(root, 'etc/nsswitch.conf'),
      'passwd: files\ngroup: files\nhosts: files dns\n',
    );
    mkdirSync(join(root, 'tmp'));
    chmodSync(join(root, 'tmp'), 0o1777);
    mkdirSync(join(root, 'docker-entrypoint-initdb.d'));
    mkdirSync(join(root, 'var/lib/postgresql/data'), { recursive: true });
    mkdirSync(join(root, 'var/run/postgresql'), { recursive: true });
    chownTree(join(root, 'var/lib/postgresql'));
    chownTree(join(root, 'var/run/postgresql'));
    chmodSync(join(root, 'var/lib/postgresql/data'), 0o700);
    chmodSync(join(root, 'var/run/postgresql'), 0o3777);
    const tar = join(stage, 'rootfs.tar');
    await execa('tar', ['-C', root, '--numeric-owner', '-cf', tar, '.']);
    await execa('docker', [
      'import',
      '--change',
      'USER postgres',
      '--change',
      `ENV PATH=/usr/local/bin:${lib}/bin:/usr/bin:/bin PGDATA=/var/lib/postgresql/data`,
      '--change',
      'WORKDIR /var/lib/postgresql',
      '--change',
      'VOLUME /var/lib/postgresql/data',
      '--change',
      'EXPOSE 5432',
      '--change',
      'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
      '--change',
      'CMD ["postgres"]',
      tar,
      ref,
    ]);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

async function imageExists(ref: string): Promise<boolean> {
  return (await execa('docker', ['image', 'inspect', ref], { reject: false })).exitCode === 0;
}

/** Builds the image unless this host already holds it (other test files, earlier runs), one builder at a time. */
async function ensureBase(): Promise<string> {
  const host = hostPostgres();
  if (!host) throw new Error(pgImageUnavailable());
  const version =
    /\) (\d+(?:\.\d+)*)/.exec(
      (await execa(`/usr/lib/postgresql/${host.major}/bin/postgres`, ['--version'])).stdout,
    )?.[1] ?? host.major;
  const recipe = createHash('sha256')
    .update(ENTRYPOINT)
    .update(APPLETS.join(','))
    .update(buildInto.toString())
    .digest('hex')
    .slice(0, 10);
  const ref = `${PG_IMAGE}:pg${version}-${recipe}`;
  if (await imageExists(ref)) return ref;
  const lock = join(tmpdir(), `kgc-pg-image-${version}-${recipe}.lock`);
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test process builds it; a lock older than 10 minutes was left by a killed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 600_000)
          rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone */
      }
      if (await imageExists(ref)) return ref;
      if (Date.now() > deadline)
        throw new Error(`waited 300 s for another process to build ${ref} (lock ${lock})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    if (!(await imageExists(ref))) await buildInto(ref, host.major);
    return ref;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

let base: Promise<string> | undefined;

/** The PostgreSQL image under a tag of the caller's own (built once per host version; see the file comment). */
export async function buildPostgresImage(): Promise<PostgresImage> {
  base ??= ensureBase();
  let baseRef: string;
  try {
    baseRef = await base;
  } catch (err) {
    base = undefined;
    throw err;
  }
  const tag = `${baseRef.split(':')[1]}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const ref = `${PG_IMAGE}:${tag}`;
  await execa('docker', ['tag', baseRef, ref]);
  return {
    image: PG_IMAGE,
    tag,
    ref,
    async remove() {
      await execa('docker', ['rmi', ref], { reject: false });
    },
  };
}
