#!/usr/bin/env bash
# Builds the daemon's container image, kgc-support:<version>, from this machine's own
# Node.js: no base image and no registry are needed (franchise servers are often
# offline). The image holds node and its libraries, busybox (sh, wget for the
# healthcheck), the built package and its production dependencies.
#
#   npm run build && scripts/build-image.sh [image:tag]
#   scripts/build-image.sh --package release/<version>/kgc-support-<version>.tgz [image:tag]
#
# With --package, the image holds that release package as it is, its bundled production
# dependencies included (npm run release makes it): no npm and no registry are involved.
# Without, the working tree's build with its dependencies from npm ci (npm's cache or the
# registry).
#
# Where a registry is reachable, the Dockerfile next to this script builds the same
# thing from node:20-bookworm-slim.
set -euo pipefail
PACKAGE=''
if [ "${1:-}" = --package ]; then
  [ -n "${2:-}" ] || { echo "--package needs the release's .tgz" >&2; exit 2; }
  PACKAGE=$(readlink -f "$2")
  [ -f "$PACKAGE" ] || { echo "$2: no such file" >&2; exit 2; }
  shift 2
fi
cd "$(dirname "$0")/.."
if [ -n "$PACKAGE" ]; then
  VERSION=$(tar -xzOf "$PACKAGE" package/package.json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).version))')
else
  VERSION=$(node -p "require('./package.json').version")
fi
IMAGE=${1:-kgc-support:${VERSION}}
NODE=$(readlink -f "$(command -v node)")
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -n "$PACKAGE" ] || [ -f dist/cli/main.js ] || { echo "build first: npm run build" >&2; exit 2; }
[ -x "$BUSYBOX" ] || { echo "busybox not found at $BUSYBOX (apt-get install busybox-static)" >&2; exit 2; }
command -v docker >/dev/null || { echo "docker not found" >&2; exit 2; }

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
ROOT="$STAGE/rootfs"
mkdir -p "$ROOT"/{bin,usr/local/bin,etc,tmp,app,var/lib/kgc-support}
chmod 1777 "$ROOT/tmp"

# Node and the shared libraries it links against (and the dynamic loader).
cp "$NODE" "$ROOT/usr/local/bin/node"
ldd "$NODE" | awk '/=>/ { print $3 } /^\s*\/lib/ { print $1 }' | while read -r lib; do
  [ -f "$lib" ] || continue
  mkdir -p "$ROOT$(dirname "$lib")"
  cp -L "$lib" "$ROOT$lib"
done
# busybox for sh and wget (the compose healthcheck runs wget).
cp "$BUSYBOX" "$ROOT/bin/busybox"
for tool in sh wget cat ls; do ln -s busybox "$ROOT/bin/$tool"; done
printf 'root:x:0:0:root:/root:/bin/sh\nkgc:x:10001:10001:kgc-support:/var/lib/kgc-support:/bin/sh\n' > "$ROOT/etc/passwd"
printf 'root:x:0:\nkgc:x:10001:\n' > "$ROOT/etc/group"

if [ -n "$PACKAGE" ]; then
  # The release package as it is: its bundled dependencies are the locked versions.
  tar -xzf "$PACKAGE" -C "$ROOT/app" --strip-components=1 --no-same-owner
  [ -d "$ROOT/app/node_modules" ] || { echo "$PACKAGE bundles no dependencies: make it with npm run release" >&2; exit 2; }
else
  # The package: what `npm pack` would ship, with production dependencies only.
  cp package.json package-lock.json "$ROOT/app/"
  cp -r bin dist schemas "$ROOT/app/"
  mkdir -p "$ROOT/app/src/store" && cp -r src/store/migrations "$ROOT/app/src/store/"
  (cd "$ROOT/app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
chown -R 10001:10001 "$ROOT/var/lib/kgc-support"

tar -C "$ROOT" --numeric-owner -c . | docker import \
  --change "LABEL org.opencontainers.image.version=${VERSION}" \
  --change 'WORKDIR /app' \
  --change 'USER 10001:10001' \
  --change 'ENV KGC_SUPPORT_DATA_DIR=/var/lib/kgc-support KGC_SUPPORT_HOST=0.0.0.0 KGC_SUPPORT_PORT=3030 NODE_ENV=production' \
  --change 'EXPOSE 3030' \
  --change 'VOLUME /var/lib/kgc-support' \
  --change 'ENTRYPOINT ["/usr/local/bin/node", "/app/bin/kgc-support.js"]' \
  --change 'CMD ["serve"]' \
  --change 'HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=5 CMD ["/bin/wget", "-q", "-O", "/dev/null", "http://127.0.0.1:3030/health"]' \
  - "$IMAGE" >/dev/null
echo "$IMAGE"
