#!/usr/bin/env bash
# scripts/demo.sh: the whole edge on this machine, walked from direct to full enforcement.
#
# Starts, on 127.0.0.1 and free ports, with all state in one temp directory:
#   - a receiving Prometheus (--web.enable-remote-write-receiver) standing in for Mimir's
#     distributor, behind a small NGINX that maps the distributor's path onto Prometheus' (below);
#   - the RLS (rls-server.jar) on an overrides file with three tenants, team-noisy over its limit;
#   - a real NGINX on the config edgectl renders (the edge), starting in direct;
#   - a sending Prometheus that scrapes itself every second and remote-writes through the edge
#     once per tenant.
# Then walks direct -> mirror -> canary 50 -> full with edgectl, printing before each promotion
# its dry run (the NGINX diff and what it previews) and after it the gates, and leaves everything
# running with the admin UI's URL and token printed until Ctrl-C, when it stops all it started and
# removes its temp directory.
#
#   scripts/demo.sh            the walk, then running until Ctrl-C
#   scripts/demo.sh --ci       the walk with short waits, checks the UI answers, stops: exit 0
#   --no-build                 never build the jars (a missing one is an error)
#   --rebuild                  build the jars even when they exist (default: only when absent)
#
# Needs java 17+, nginx, prometheus, curl (scripts/test.sh installs them) and, to build the jars,
# mvn (npm too for the admin UI). Exit 0 done, 1 a step of the walk failed, 2 something is
# missing or did not start. NGINX=/path/to/nginx and PROMETHEUS_BIN=/path/to/prometheus choose
# the binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=demo

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
CI_MODE=0 BUILD=auto
for arg in "$@"; do
  case "$arg" in
    --ci) CI_MODE=1 ;;
    --no-build) BUILD=no ;;
    --rebuild) BUILD=yes ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

# say, free_port, wait_for, start_rls, and the PIDS every process started goes into (all stopped
# on exit)
# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh
EDGECTL_JAR=edgectl/target/edgectl.jar

# --- what the demo needs ----------------------------------------------------------------------

nginx_bin() {
  local p
  for p in "${NGINX:-}" /usr/sbin/nginx /usr/local/sbin/nginx "$(command -v nginx || true)"; do
    if [ -n "$p" ] && [ -x "$p" ]; then echo "$p"; return; fi
  done
}
NGINX=$(nginx_bin)
PROMETHEUS="${PROMETHEUS_BIN:-$(command -v prometheus || true)}"

missing=()
java_major=$("$JAVA" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print v[1]; exit }' || true)
if [ -z "$java_major" ]; then
  missing+=("java 17+ (apt-get install openjdk-17-jdk-headless)")
elif [ "$java_major" -lt 17 ]; then
  missing+=("java 17+ (found $java_major at $(command -v "$JAVA"): apt-get install openjdk-17-jdk-headless)")
fi
[ -n "$NGINX" ] || missing+=("nginx (apt-get install nginx, or NGINX=/path/to/nginx)")
[ -n "$PROMETHEUS" ] && [ -x "$PROMETHEUS" ] ||
  missing+=("prometheus (apt-get install prometheus, or PROMETHEUS_BIN=/path/to/prometheus)")
command -v curl >/dev/null 2>&1 || missing+=("curl (apt-get install curl)")
jars_present() { [ -f "$RLS_JAR" ] && [ -f "$EDGECTL_JAR" ]; }
if [ "$BUILD" = no ] && ! jars_present; then
  missing+=("$RLS_JAR and $EDGECTL_JAR (run without --no-build, or: mvn -B -ntp -DskipTests -pl edgectl,rls-server -am package)")
elif { [ "$BUILD" = yes ] || ! jars_present; } && ! command -v mvn >/dev/null 2>&1; then
  missing+=("mvn, to build $RLS_JAR and $EDGECTL_JAR (apt-get install maven)")
fi
if ((${#missing[@]})); then
  say "cannot run; missing:"
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  say "scripts/test.sh installs all of them (as root or with passwordless sudo), then runs the tests"
  exit 2
fi

if [ "$BUILD" = yes ] || ! jars_present; then
  # The admin UI needs npm (scripts/test.sh installs it); without it the jar has no UI.
  ui=()
  command -v npm >/dev/null 2>&1 || { ui=(-Dui.skip); say "no npm: building without the admin UI"; }
  mkdir -p target
  say "building $RLS_JAR and $EDGECTL_JAR (a minute or two; log: target/demo-build.log)"
  if ! mvn -B -q -ntp -DskipTests "${ui[@]}" -pl edgectl,rls-server -am package \
    >target/demo-build.log 2>&1; then
    tail -n 30 target/demo-build.log >&2
    say "FAILED: the build failed (log: target/demo-build.log)"
    exit 2
  fi
else
  say "using the jars already built ($RLS_JAR, $EDGECTL_JAR; --rebuild to build them anew)"
fi

# --- everything in one temp directory, removed on exit -----------------------------------------

DIR=$(mktemp -d "${TMPDIR:-/tmp}/mimir-edge-demo.XXXXXX")
# stop: the processes in the reverse order of their start, each waited for (15 s, then killed):
# the senders first, while the edge can still take what they flush, the distributor last.
stop() {
  local i pid t
  ((${#PIDS[@]})) && say "stopping everything it started"
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    kill "$pid" 2>/dev/null || continue
    for ((t = 0; t < 150; t++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
# On a failure, the logs' last lines first: the directory goes with everything else.
on_exit() {
  local rc=$? log
  if [ "$rc" != 0 ] && [ "$rc" != 130 ]; then
    for log in "$DIR"/*.log "$DIR"/rls/rls.log "$DIR"/{edge,distributor}/logs/*.log; do
      if [ ! -s "$log" ] || [ "${log##*/}" = access.log ]; then continue; fi
      echo "--- ${log#"$DIR"/} (last lines)" >&2
      tail -n 15 "$log" >&2
    done
  fi
  stop
  rm -rf "$DIR"
}
trap on_exit EXIT
# NGINX's workers run as nobody when the master is root: they must reach their temp directories.
chmod 711 "$DIR"
mkdir -p "$DIR"/{edge,distributor}/{logs,temp} "$DIR/state"
chmod 711 "$DIR/edge" "$DIR/distributor"
chmod 777 "$DIR/edge/temp" "$DIR/distributor/temp"

RECEIVER_PORT=$(free_port) DISTRIBUTOR_PORT=$(free_port) RLS_PORT=$(free_port)
EDGE_PORT=$(free_port) SENDER_PORT=$(free_port)
TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export EDGECTL_RLS_ADMIN_TOKEN=$TOKEN EDGECTL_USER=demo

# up PID LOG URL: true once URL answers 2xx; stops the demo with LOG's tail if PID has exited.
up() {
  kill -0 "$1" 2>/dev/null || { tail -n 20 "$2" >&2; say "FAILED: a process exited (log: $2)"; exit 2; }
  curl -fsS -o /dev/null "$3" 2>/dev/null
}

# start_prometheus NAME PORT [flags...]: a Prometheus on DIR/NAME.yml, data and log in DIR.
start_prometheus() {
  local name=$1 port=$2
  shift 2
  "$PROMETHEUS" --config.file="$DIR/$name.yml" --storage.tsdb.path="$DIR/$name-data" \
    --web.listen-address="127.0.0.1:$port" --log.level=warn "$@" >"$DIR/$name.log" 2>&1 &
  PIDS+=("$!")
  wait_for "up $! '$DIR/$name.log' http://127.0.0.1:$port/-/ready" 60 "the $name Prometheus"
}

# The -g of an NGINX in PREFIX: its pid file and error log there.
nginx_globals() { echo "pid $1/nginx.pid; error_log $1/logs/error.log warn;"; }
# start_nginx PREFIX: an NGINX in the foreground on PREFIX/nginx.conf.
start_nginx() {
  "$NGINX" -p "$1" -c "$1/nginx.conf" -g "daemon off; $(nginx_globals "$1")" >"$1/logs/stderr.log" 2>&1 &
  PIDS+=("$!")
}

edgectl() { JAVA="$JAVA" edgectl/bin/edgectl --config "$DIR/edgectl.yaml" "$@"; }

# --- the distributor: a receiving Prometheus, behind a path-mapping NGINX ----------------------

echo "global: {}" >"$DIR/receiver.yml"
start_prometheus receiver "$RECEIVER_PORT" --web.enable-remote-write-receiver

# Mimir's distributor takes remote write at /api/v1/push, and the edge passes paths on as they
# are; Prometheus' receiver takes it only at /api/v1/write. This NGINX is the distributor's
# address for the edge and the RLS alike, and maps the one path onto the other.
cat >"$DIR/distributor/nginx.conf" <<NGINX
worker_processes 1;
events { worker_connections 1024; }
http {
    access_log off;
    client_max_body_size 100m;
    client_body_temp_path $DIR/distributor/temp/client_body;
    proxy_temp_path $DIR/distributor/temp/proxy;
    fastcgi_temp_path $DIR/distributor/temp/fastcgi;
    uwsgi_temp_path $DIR/distributor/temp/uwsgi;
    scgi_temp_path $DIR/distributor/temp/scgi;
    upstream receiver {
        server 127.0.0.1:$RECEIVER_PORT;
        keepalive 8;
    }
    server {
        listen 127.0.0.1:$DISTRIBUTOR_PORT;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        location = /api/v1/push {
            proxy_pass http://receiver/api/v1/write;
        }
        location / {
            proxy_pass http://receiver;
        }
    }
}
NGINX
start_nginx "$DIR/distributor"
wait_for "up $! '$DIR/distributor/logs/stderr.log' http://127.0.0.1:$DISTRIBUTOR_PORT/-/ready" 20 \
  "the distributor's NGINX"
say "distributor: a receiving Prometheus on 127.0.0.1:$RECEIVER_PORT, behind NGINX on 127.0.0.1:$DISTRIBUTOR_PORT"

# --- the RLS -----------------------------------------------------------------------------------

# Mimir's runtime overrides. Each tenant sends the sender's self-scrape, about 500 samples a
# second: team-a and team-b are well within their limits, team-noisy is five times over its own.
cat >"$DIR/overrides.yaml" <<YAML
overrides:
  team-a:
    ingestion_rate: 100000
    ingestion_burst_size: 1000000
  team-b:
    ingestion_rate: 50000
    ingestion_burst_size: 500000
  team-noisy:
    ingestion_rate: 100
    ingestion_burst_size: 1000
YAML
# tenantFrom: basicAuthUser: Debian's Prometheus 2.42 drops custom remote_write headers, so the
# senders name their tenant as the basic-auth user (as Mimir's gateway reads it).
cat >"$DIR/rls.yml" <<YAML
tenantFrom: basicAuthUser
limits:
  file: $DIR/overrides.yaml
upstream:
  url: http://127.0.0.1:$DISTRIBUTOR_PORT
admin:
  token: $TOKEN
grpc:
  bindHost: 127.0.0.1
  port: 0
server:
  applicationConnectors:
    - type: http
      bindHost: 127.0.0.1
      port: $RLS_PORT
  adminConnectors:
    - type: http
      bindHost: 127.0.0.1
      port: 0
  requestLog:
    appenders: []
logging:
  level: WARN
  appenders:
    - type: console
YAML
chmod 600 "$DIR/rls.yml"
mkdir -p "$DIR/rls"
start_rls "$DIR/rls" "$DIR/rls.yml" "$RLS_PORT" -Xms128m -Xmx256m

# --- the edge: NGINX under edgectl ---------------------------------------------------------------

# nginx.tenantFrom: basicAuthUser, as the RLS reads the tenant: a canary split by tenant (the
# default) splits on the basic-auth user ($remote_user), each tenant wholly enforced or not, and the
# preview names exactly the tenants the next rung adds.
# maxDenyRate: one tenant in three is over its limit on purpose, so about a third of the requests
# are denied; the default ceiling (5 %) would stop the walk at mirror, as it should in production.
# maxAddedLatencyP99: a fresh JVM's first decisions, before its JIT has compiled them, take tens of
# milliseconds on a small shared machine, and at a few requests a second the p99 of a minute is
# about its slowest one; the default, 10ms, is the budget of a warm RLS.
cat >"$DIR/edgectl.yaml" <<YAML
nginx:
  listen: "127.0.0.1:$EDGE_PORT"
  workerProcesses: "1"
  accessLog: $DIR/edge/logs/access.log
  tempDir: $DIR/edge/temp
  tenantFrom: basicAuthUser
upstreams:
  distributor: ["127.0.0.1:$DISTRIBUTOR_PORT"]
  rlsPassThrough: ["127.0.0.1:$RLS_PORT"]
  rlsShadow: ["127.0.0.1:$RLS_PORT"]
  keepalive: 8
ladder: [mirror, canary 50, full]
bakeTime: 10s
rls:
  url: http://127.0.0.1:$RLS_PORT
gates:
  window: 1m
  minRequests: 10
  maxAddedLatencyP99: 250ms
  maxDenyRate: 0.5
  interval: 1s
target:
  local:
    config: $DIR/edge/nginx.conf
    stateDir: $DIR/state
    nginx: $NGINX
    prefix: $DIR/edge
    globals: "$(nginx_globals "$DIR/edge")"
YAML
edgectl render direct --out "$DIR/edge/nginx.conf" >/dev/null
start_nginx "$DIR/edge"
wait_for "up $! '$DIR/edge/logs/stderr.log' http://127.0.0.1:$EDGE_PORT/_edge/phase" 20 "the edge NGINX"
say "edge: NGINX on 127.0.0.1:$EDGE_PORT (config: $DIR/edge/nginx.conf)"

# --- the senders ----------------------------------------------------------------------------------

# One Prometheus scraping itself every second, writing once per tenant; the tenant label keeps the
# three copies of each series apart at the receiver.
{
  cat <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: sender
    static_configs:
      - targets: ['127.0.0.1:$SENDER_PORT']
remote_write:
YAML
  for tenant in team-a team-b team-noisy; do
    cat <<YAML
  - url: http://127.0.0.1:$EDGE_PORT/api/v1/push
    name: $tenant
    basic_auth: {username: $tenant, password: demo}
    write_relabel_configs:
      - {target_label: tenant, replacement: $tenant}
    queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}
YAML
  done
} >"$DIR/sender.yml"
# A Prometheus stopping flushes its queues for up to a minute each by default: 2 s here.
start_prometheus sender "$SENDER_PORT" --storage.remote.flush-deadline=2s
say "senders: Prometheus on 127.0.0.1:$SENDER_PORT, writing to the edge as team-a, team-b, team-noisy"

# --- the walk ------------------------------------------------------------------------------------

step() { printf '\n=== %s\n' "$*"; }
# show ARGS...: prints and runs one edgectl command; a failure fails the walk.
show() {
  printf '\n$ edgectl %s\n' "$*"
  local rc=0
  edgectl "$@" || rc=$?
  if [ "$rc" != 0 ]; then
    say "FAILED: edgectl $* exited $rc"
    exit 1
  fi
}
# decisions: every decision the RLS has made so far (rls_decisions_total, all doors and verdicts).
decisions() {
  curl -fsS "http://127.0.0.1:$RLS_PORT/metrics" |
    awk '/^rls_decisions_total[{ ]/ { n += $NF } END { printf "%d", n }'
}
# settle WHAT: waits for traffic through the new phase: SETTLE more decisions by the RLS.
SETTLE=$((CI_MODE ? 10 : 30))
settle() {
  local from
  from=$(decisions)
  echo "... waiting for $SETTLE decisions by the RLS $1"
  wait_for "[ \$((\$(decisions) - $from)) -ge $SETTLE ]" 90 "traffic $1 ($SETTLE decisions by the RLS)"
}
# per_tenant: the RLS' decisions by tenant so far.
per_tenant() {
  echo "RLS decisions so far, by tenant (rls_tenant_decisions_total):"
  curl -fsS "http://127.0.0.1:$RLS_PORT/metrics" |
    awk '/^rls_tenant_decisions_total\{/ { print "  " $0 }' | sort
}
# arrived TENANT: true when the receiver holds a sample of TENANT's from the last 15 s.
arrived() {
  curl -fsS "http://127.0.0.1:$RECEIVER_PORT/api/v1/query" \
    --data-urlencode "query=time() - timestamp(up{tenant=\"$1\"}) < 15" 2>/dev/null | grep -q '"value"'
}

step "direct: NGINX sends every write straight to the distributor; the RLS sees nothing"
wait_for "arrived team-a && arrived team-noisy" 60 "the senders' samples at the receiver, through the edge"
echo "the receiver has every tenant's samples (team-noisy's too: nothing enforces yet)"
show status

step "direct -> mirror: every write still goes to the distributor, and a copy to the RLS's shadow door, which decides and forwards nothing"
show gates
show promote --dry-run --to mirror
show promote --to mirror
settle "in mirror"
per_tenant
show gates

step "mirror -> canary 50: the tenants NGINX's split puts in the canary go through enforcement, the others straight to the distributor (the preview above says who would be refused)"
show promote --dry-run --to canary-50
show promote --to canary-50
settle "in canary 50"
per_tenant
show gates

step "canary 50 -> full: every write goes through enforcement"
show promote --dry-run --to full
show promote --to full
settle "in full"
per_tenant
show gates
show status

# --- what the walk must have shown ----------------------------------------------------------------

tenant_decisions() {
  curl -fsS "http://127.0.0.1:$RLS_PORT/metrics" | awk -v d="$1" -v t="$2" \
    'index($0, "rls_tenant_decisions_total{") == 1 && index($0, "decision=\"" d "\"") && index($0, "tenant=\"" t "\"") { n += $NF } END { printf "%d", n }'
}
[ "$(tenant_decisions deny team-noisy)" -gt 0 ] || { say "FAILED: the RLS denied nothing of team-noisy's"; exit 1; }
[ "$(tenant_decisions allow team-a)" -gt 0 ] || { say "FAILED: the RLS allowed nothing of team-a's"; exit 1; }
wait_for "arrived team-a" 30 "team-a's samples at the receiver, through enforcement"

UI="http://127.0.0.1:$RLS_PORT/ui/"
ui_status=$(curl -sS -o /dev/null -w '%{http_code}' "$UI" || true)
if [ "$ui_status" != 200 ]; then
  say "the admin UI answers $ui_status at $UI: is it in the jar? (build with npm: scripts/demo.sh --rebuild)"
  [ "$CI_MODE" = 0 ] || exit 1
fi
overview=$(curl -fsS "http://127.0.0.1:$RLS_PORT/api/overview" || true)
case "$overview" in
  \{*'"windows"'*) ;;
  *) say "FAILED: /api/overview did not answer its JSON: ${overview:0:200}"; exit 1 ;;
esac

if [ "$CI_MODE" = 1 ]; then
  step "done: the walk reached full, the UI and /api/overview answer; stopping everything"
  exit 0
fi

step "running: everything stays up until Ctrl-C"
cat <<EOF
  admin UI            $UI
  admin token         $TOKEN   (for changes in the UI or PUT /api/tenants/{id}/limits)
  the edge (NGINX)    http://127.0.0.1:$EDGE_PORT/api/v1/push   (config: $DIR/edge/nginx.conf)
  RLS                 http://127.0.0.1:$RLS_PORT   (/api/overview, /metrics; log: $DIR/rls/rls.log)
  distributor         receiving Prometheus http://127.0.0.1:$RECEIVER_PORT/
                      (what arrived: sum by (tenant) (count_over_time(up[1m])))
  sender              Prometheus http://127.0.0.1:$SENDER_PORT/
  overrides           $DIR/overrides.yaml (re-read every 10 s: edit team-noisy's limits)

  edgectl against this edge, from $PWD:
    EDGECTL_RLS_ADMIN_TOKEN=$TOKEN edgectl/bin/edgectl --config $DIR/edgectl.yaml status
    ... history | gates | rollback --emergency

  Everything listens on 127.0.0.1 only (from another machine: ssh -L $RLS_PORT:127.0.0.1:$RLS_PORT).
  Ctrl-C stops it all and removes $DIR.
EOF
while :; do
  for pid in "${PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || { say "FAILED: a process it started has exited (pid $pid)"; exit 1; }
  done
  sleep 1
done
