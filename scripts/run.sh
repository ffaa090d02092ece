#!/usr/bin/env bash
# Build rls-server and run it on the embedded default: the bundled example overrides, in-memory
# state, upstream http://127.0.0.1:9009, HTTP on 8080 (/api/v1/push, /shadow/api/v1/push,
# /api/health, /metrics) and admin on 8081. Pass a configuration file to use it instead
# (see rls-server/rls.example.yml).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -DskipTests -pl rls-server -am package
exec java -jar rls-server/target/rls-server.jar server "$@"
