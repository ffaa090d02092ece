#!/usr/bin/env bash
# Set up and run every test: installs the system packages the integration tests use (when it can:
# as root, or with passwordless sudo, on Debian/Ubuntu), then runs the whole Maven build with tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# The real components the integration tests drive. Add to this list when a test needs a new one.
# chromium: the admin UI's browser test (UiEndToEndTest). curl: scripts/demo.sh, which CI runs too.
PACKAGES=(maven openjdk-17-jdk-headless nginx prometheus redis-server chromium curl)
# The admin UI builds with the machine's node and npm (Vite 7 needs Node 20.19 or newer). Only
# when there is no node at all do we take Debian's (Debian 12 ships Node 18, too old for Vite 7:
# the build then says so; install Node 20+ from elsewhere).
if ! command -v node >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
      if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
    fi
    if [ "$SUDO" = none ]; then
      echo "test.sh: cannot install ${missing[*]} (not root, no passwordless sudo); tests that need them say so and skip" >&2
    else
      echo "test.sh: installing ${missing[*]}" >&2
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
  else
    echo "test.sh: no apt-get; please install ${missing[*]} yourself" >&2
  fi
fi

if command -v node >/dev/null 2>&1; then
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$node_major" -lt 20 ]; then
    echo "test.sh: node $(node --version) is too old for the admin UI's build (Vite 7 needs Node 20.19+)" >&2
  fi
fi

exec mvn -B -ntp verify "$@"
