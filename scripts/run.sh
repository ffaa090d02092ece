#!/usr/bin/env bash
# Build rls-server and run it on the embedded default.
# For now (until the service lands) this inspects the bundled real remote-write requests:
# what the RLS counts in each and what it decides for a tenant with the example overrides.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -DskipTests -pl rls-server -am package
exec java -jar rls-server/target/rls-server.jar inspect \
  --overrides rls-server/src/main/resources/example-overrides.yaml \
  --tenant tenant-a "${@:-testdata/remote-write/000.bin}"
