/**
 * The real Docker engine for tests, and stand-in images built locally (nothing can be
 * pulled): one busybox root file system, imported under several names, each with the
 * command its real image would run. They honour the templates' healthchecks as the
 * real images do: the chatbot, the context manager, the daemon and Chatwoot's web
 * serve /health (the daemon also /ready) or /api over HTTP (busybox httpd, checked with wget), the worker's
 * process is called sidekiq (pgrep -f), pg_isready and redis-cli answer. Every
 * long-running process traps SIGTERM, so that `docker stop` takes no 10 s grace.
 */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export const BUSYBOX = '/bin/busybox';

/** Why Docker tests cannot run here, or undefined when they can. */
export async function dockerUnavailable(): Promise<string | undefined> {
  if (!existsSync(BUSYBOX)) return `${BUSYBOX} is missing (install busybox-static)`;
  const info = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false });
  if (info.exitCode !== 0)
    return `no Docker engine: ${(info.stderr || info.shortMessage || '').split('\n')[0]}`;
  const v1 = await execa('docker-compose', ['version', '--short'], { reject: false });
  const v2 = await execa('docker', ['compose', 'version', '--short'], { reject: false });
  if (v1.exitCode !== 0 && v2.exitCode !== 0)
    return 'neither docker compose nor docker-compose is installed';
  return undefined;
}

/**
 * busybox-static's wget cannot resolve a name (a static glibc has no NSS: it crashes, and so
 * does its -T), so a stand-in's wget resolves the URL's host with busybox's own DNS client
 * first and calls the address, the name kept as the Host header, as a real image's wget
 * would reach it. Every applet is called through busybox, so that it also works in an image
 * that links only sh and wget (the daemon's).
 */
export const RESOLVING_WGET = `#!/bin/sh
# busybox-static's wget cannot resolve a name (a static glibc has no NSS; it crashes), so
# this stand-in's wget asks busybox's own DNS client first and calls the address, the name
# kept as the Host header. An address or localhost is called as it is.
url=''
for a in "$@"; do case "$a" in http://*) url=$a ;; esac; done
[ -n "$url" ] || exec busybox wget "$@"
rest=\${url#http://}
hostport=\${rest%%/*}
path=\${rest#"$hostport"}
host=\${hostport%%:*}
case "$host" in
  '' | localhost | *[!0-9.]*) ;;
  *) exec busybox wget "$@" ;;
esac
[ "$host" = localhost ] && exec busybox wget "$@"
ip=$(busybox nslookup "$host" 2>/dev/null | busybox sed -n 's/^Address:[[:space:]]*//p' | busybox grep -v ':53$' | busybox head -n 1)
[ -n "$ip" ] || { echo "wget: bad address '$host'" >&2; exit 1; }
for a in "$@"; do
  shift
  if [ "$a" = "$url" ]; then set -- "$@" "http://$ip\${hostport#"$host"}$path"; else set -- "$@" "$a"; fi
done
exec busybox wget --header "Host: $hostport" "$@"
`;

const SCRIPTS: Record<string, string> = {
  wget: RESOLVING_WGET,
  // serve <port>: busybox httpd on /www, stopping at once on SIGTERM.
  serve:
    '#!/bin/sh\necho "stand-in serving /www on port $1"\nhttpd -f -p "$1" -h /www & pid=$!\ntrap \'kill $pid; exit 0\' TERM INT\nwait $pid\n',
  // idle [name…]: sleeps until SIGTERM; its arguments show in its command line (pgrep -f).
  idle: '#!/bin/sh\necho "stand-in idle: $*"\ntrap \'exit 0\' TERM INT\nwhile :; do sleep 1 & wait $!; done\n',
  // Chatwoot's bundle: "rails s" serves, "sidekiq" idles under that name, the rest succeeds.
  bundle:
    '#!/bin/sh\ncase "$*" in\n  *"rails s"*) exec serve 3000 ;;\n  *sidekiq*) exec idle sidekiq ;;\n  *) echo "bundle $*: done"; exit 0 ;;\nesac\n',
  'redis-server': '#!/bin/sh\nexec idle redis-server\n',
  'redis-cli': '#!/bin/sh\necho PONG\n',
  pg_isready: '#!/bin/sh\necho "accepting connections"\n',
  // busybox-static has no pgrep applet; alpine's busybox (Chatwoot's image) has. Only -f PATTERN.
  pgrep: '#!/bin/sh\nps -o args | grep -v -e grep -e /bin/pgrep | grep -q -- "$2"\n',
};

const APPLETS = [
  'sh',
  'httpd',
  'sleep',
  'grep',
  'cat',
  'env',
  'ls',
  'ps',
  'kill',
  'echo',
  'nc',
  'true',
  'false',
];

export interface TestImages {
  readonly tag: string;
  /** franchise.yaml `images:` overrides that select the stand-ins. */
  readonly overrides: Record<string, { image: string; tag: string }>;
  remove(): Promise<void>;
}

function rootfs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kgc-rootfs-'));
  mkdirSync(join(dir, 'bin'));
  copyFileSync(BUSYBOX, join(dir, 'bin', 'busybox'));
  for (const a of APPLETS) symlinkSync('busybox', join(dir, 'bin', a));
  for (const [name, text] of Object.entries(SCRIPTS)) {
    writeFileSync(join(dir, 'bin', name), text);
    chmodSync(join(dir, 'bin', name), 0o755);
  }
  mkdirSync(join(dir, 'www'));
  writeFileSync(join(dir, 'www', 'health'), '{"status":"pass"}\n');
  // The daemon stand-in is ready too: `up` and `status` ask the daemon's /ready.
  writeFileSync(join(dir, 'www', 'ready'), '{"status":"pass","checks":{}}\n');
  writeFileSync(
    join(dir, 'www', 'api'),
    '{"version":"stand-in","queue_services":"ok","data_services":"ok"}\n',
  );
  mkdirSync(join(dir, 'app', 'docker', 'entrypoints'), { recursive: true });
  writeFileSync(join(dir, 'app', 'docker', 'entrypoints', 'rails.sh'), '#!/bin/sh\nexec "$@"\n');
  chmodSync(join(dir, 'app', 'docker', 'entrypoints', 'rails.sh'), 0o755);
  for (const d of ['tmp', 'data', 'var/lib/kgc-support', 'var/lib/postgresql/data', 'app/storage'])
    mkdirSync(join(dir, d), { recursive: true });
  return dir;
}

/** image key → the stand-in's command. */
const STAND_INS: Record<string, string[]> = {
  'kgc-api': ['/bin/idle', 'kgc-api'],
  'kgc-support': ['/bin/serve', '3030'],
  'koko-chatbot': ['/bin/serve', '5001'],
  'koko-context': ['/bin/serve', '5004'],
  chatwoot: ['/bin/bundle', 'exec', 'rails', 's'],
  postgres: ['/bin/idle', 'postgres'],
  redis: ['/bin/idle', 'redis-server'],
};

export async function buildTestImages(): Promise<TestImages> {
  const tag = `t${process.pid}-${Date.now().toString(36)}`;
  const dir = rootfs();
  const tar = join(dir, '..', `${tag}.tar`);
  try {
    await execa('tar', ['-C', dir, '-cf', tar, '.']);
    const overrides: Record<string, { image: string; tag: string }> = {};
    for (const [key, cmd] of Object.entries(STAND_INS)) {
      const image = `kgc-test/${key}`;
      await execa('docker', [
        'import',
        '--change',
        `CMD ${JSON.stringify(cmd)}`,
        '--change',
        'WORKDIR /app',
        '--change',
        'ENV PATH=/bin',
        tar,
        `${image}:${tag}`,
      ]);
      overrides[key] = { image, tag };
    }
    return {
      tag,
      overrides,
      async remove() {
        await execa(
          'docker',
          ['rmi', '-f', ...Object.values(overrides).map((o) => `${o.image}:${o.tag}`)],
          { reject: false },
        );
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(tar, { force: true });
  }
}

/**
 * The health timing the Docker tests render their franchises with. Checks run every second
 * so that `up` sees health soon; each may take 10 s, because on a busy 2-core host a
 * `docker exec` of pg_isready or wget has taken over 2 s, three times in a row, and turned
 * healthy stand-ins 'unhealthy'. A check that fails outright is still unhealthy in ~3 s.
 */
export const TEST_HEALTHCHECK = {
  interval: '1s',
  timeout: '10s',
  retries: 3,
  start_period: '1s',
} as const;

/** Removes every container, network and volume of a compose project (test clean-up). */
export async function removeProject(project: string): Promise<void> {
  const ids = (
    await execa(
      'docker',
      ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`],
      { reject: false },
    )
  ).stdout
    .split('\n')
    .filter(Boolean);
  if (ids.length > 0) await execa('docker', ['rm', '-f', '-v', ...ids], { reject: false });
  const nets = (
    await execa(
      'docker',
      ['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`],
      { reject: false },
    )
  ).stdout
    .split('\n')
    .filter(Boolean);
  if (nets.length > 0) await execa('docker', ['network', 'rm', ...nets], { reject: false });
  const vols = (
    await execa(
      'docker',
      ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`],
      { reject: false },
    )
  ).stdout
    .split('\n')
    .filter(Boolean);
  if (vols.length > 0) await execa('docker', ['volume', 'rm', '-f', ...vols], { reject: false });
}

/**
 * Polls `probe` until it gives a value (a thrown error counts as "not yet" and is kept for the
 * message), for at most `ms`: the Docker tests' wait on a container, a port or a delivery.
 */
export async function pollFor<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined>,
  everyMs = 500,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `waited ${ms / 1000} s for ${what}${last ? `; last: ${(last as Error).message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
