#!/usr/bin/env bash
# Builds the daemon's container image, kgc-support:<version>, from this machine's own
# Node.js: no base image and no registry are needed (franchise servers are often
# offline). The image holds node and its libraries, busybox (sh, wget for the
# healthcheck), the built package and its production dependencies.
#
#   npm run build && scripts/build-image.sh [image:tag]
#
# Where a registry is reachable, the Dockerfile next to this script builds the same
# thing from node:20-bookworm-slim.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$(node -p "require('./package.json').version")
IMAGE=${1:-kgc-support:${VERSION}}
NODE=$(readlink -f "$(command -v node)")
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -f dist/cli/main.js ] || { echo "build first: npm run build" >&2; exit 2; }
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

# The package: what `npm pack` would ship, with production dependencies only.
cp package.json package-lock.json "$ROOT/app/"
cp -r bin dist schemas "$ROOT/app/"
mkdir -p "$ROOT/app/src/store" && cp -r src/store/migrations "$ROOT/app/src/store/"
(cd "$ROOT/app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
chown -R 10001:10001 "$ROOT/var/lib/kgc-support"

tar -C "$ROOT" --numeric-owner -c . | docker import \
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
