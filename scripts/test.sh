#!/usr/bin/env bash
# Set up and run every test: installs the system packages the integration tests use (when it can:
# as root, or with passwordless sudo, on Debian/Ubuntu), then runs the whole Maven build with tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# The real components the integration tests drive. Add to this list when a test needs a new one.
PACKAGES=(maven openjdk-17-jdk-headless nginx prometheus redis-server)

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

exec mvn -B -ntp verify "$@"
