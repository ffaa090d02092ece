#!/usr/bin/env bash
# Measures `edgectl rollback --emergency` (full -> direct) end to end, JVM start included, against a
# real NGINX in a temporary prefix, with hyperfine (apt-get install hyperfine) or, without it, `time`.
# The RLS is a static file server answering /api/health only (what direct -> full needs); during
# the measured command nothing but NGINX is contacted.
#   usage: edgectl/scripts/measure-emergency-rollback.sh [runs]   (build the jar first)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
edgectl="$here/bin/edgectl"
runs="${1:-10}"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
tmp="$(mktemp -d /tmp/edgectl-measure.XXXXXX)"
chmod 755 "$tmp"; mkdir -p "$tmp/logs" "$tmp/temp" "$tmp/rls/api"; chmod 777 "$tmp/temp"
echo ok > "$tmp/rls/api/health"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port="$(free_port)"; rls_port="$(free_port)"
python3 -m http.server "$rls_port" --bind 127.0.0.1 --directory "$tmp/rls" >/dev/null 2>&1 &
rls_pid=$!
globals="pid $tmp/nginx.pid; error_log $tmp/logs/error.log;"
cleanup() {
  [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
  kill "$rls_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
cat > "$tmp/edgectl.yaml" <<YAML
nginx: { listen: "127.0.0.1:$port", workerProcesses: "1", tempDir: $tmp/temp }
upstreams:
  distributor: [ "127.0.0.1:9" ]
  rlsPassThrough: [ "127.0.0.1:$rls_port" ]
  rlsShadow: [ "127.0.0.1:$rls_port" ]
rls: { url: "http://127.0.0.1:$rls_port" }
target:
  local: { config: $tmp/nginx.conf, stateDir: $tmp/state, nginx: $nginx_bin, prefix: $tmp, globals: "$globals" }
YAML
export EDGECTL_CONFIG="$tmp/edgectl.yaml" EDGECTL_USER=measure
"$edgectl" render direct --out "$tmp/nginx.conf"
"$nginx_bin" -p "$tmp" -c "$tmp/nginx.conf" -g "$globals"
sleep 0.3
prepare="$edgectl promote --to full >/dev/null 2>&1"
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --runs "$runs" --prepare "$prepare" "$edgectl rollback --emergency"
else
  for _ in $(seq "$runs"); do eval "$prepare"; /usr/bin/time -f "%e s" "$edgectl" rollback --emergency; done
fi
curl -s "http://127.0.0.1:$port/_edge/phase" || true
