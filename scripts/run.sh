#!/usr/bin/env bash
# Build rls-server and run it on the embedded default: the bundled example overrides, in-memory
# state, upstream http://127.0.0.1:9009, HTTP on 8080 (/api/v1/push, /shadow/api/v1/push,
# /api/health, /metrics) and admin on 8081. Pass a configuration file to use it instead
# (see rls-server/rls.example.yml).
set -euo pipefail
cd "$(dirname "$0")/.."
ui=()
if ! command -v npm >/dev/null 2>&1; then
  # The admin UI needs Node 20+ and npm; without them the service runs without its UI.
  echo "run.sh: no npm on this machine: building without the admin UI (scripts/test.sh installs it)" >&2
  ui=(-Dui.skip)
fi
mvn -B -q -ntp -DskipTests "${ui[@]}" -pl rls-server -am package
exec java -jar rls-server/target/rls-server.jar server "$@"
