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
# The collector: generational ZGC where the JDK has it (21 and later), whose pauses stay under a
# millisecond where G1's young pauses took 7-17 ms at 1000 pushes/s (benchmarks/README.md,
# "Collectors"); G1, the JDK's default, on an older one. The build targets release 17 either way.
# RLS_JAVA picks the JVM (default: java on the PATH); RLS_JAVA_OPTS adds options (they win).
java_bin="${RLS_JAVA:-java}"
feature=$("$java_bin" -XshowSettings:properties -version 2>&1 |
  awk -F= '/java.specification.version/ { gsub(/ /, "", $2); print $2 }')
gc=()
if [ "${feature:-0}" -ge 23 ] 2>/dev/null; then
  # and snappy-java loads its native library: allowed without the JDK's warning about it
  gc=(-XX:+UseZGC --enable-native-access=ALL-UNNAMED)
elif [ "${feature:-0}" -ge 21 ] 2>/dev/null; then
  gc=(-XX:+UseZGC -XX:+ZGenerational)
else
  echo "run.sh: Java ${feature:-?}: running on G1; a JDK 21+ runs the RLS on generational ZGC" >&2
fi
# shellcheck disable=SC2086
exec "$java_bin" "${gc[@]}" ${RLS_JAVA_OPTS:-} -jar rls-server/target/rls-server.jar server "$@"
