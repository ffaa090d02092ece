# Shared by the benchmark scripts (benchmarks/passthrough, benchmarks/overload, benchmarks/faults,
# benchmarks/soak, benchmarks/tenants100k) and scripts/demo.sh: source it after setting NAME (the
# script's name in messages) from the repository's root.

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The JVM the RLS runs on (benchmarks/gc-compare runs it on another JDK than its load generators).
RLS_JAVA="${RLS_JAVA:-$JAVA}"
JAR=benchmarks/target/benchmarks.jar
RLS_JAR=rls-server/target/rls-server.jar
# jcmd, to ask the RLS for a full GC (JCMD: the one of RLS_JAVA's JDK when that is another).
JCMD="${JCMD:-${JAVA_HOME:+$JAVA_HOME/bin/}jcmd}"

say() { echo "$NAME: $*" >&2; }
load() { say "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores $1"; }

# PIN=1: the RLS on the last CPU alone, the stub and the load generators on the others (taskset),
# so that the RLS is measured without its load generator competing for its core. Every JVM is told
# the machine's CPU count, so that pinning changes no JVM ergonomics (GC, compiler threads).
PIN="${PIN:-0}"
LOAD_CPUS="" RLS_CPUS="" PINNED_JVM=""
if [ "$PIN" = 1 ]; then
  last=$(($(nproc) - 1))
  if [ "$last" -lt 1 ] || ! command -v taskset >/dev/null; then
    say "FAILED: PIN=1 needs taskset and at least 2 CPUs"
    exit 2
  fi
  RLS_CPUS="taskset -c $last"
  LOAD_CPUS="taskset -c 0-$((last - 1))"
  PINNED_JVM="-XX:ActiveProcessorCount=$(nproc)"
fi

# build: rls-server.jar and benchmarks.jar, unless SKIP_BUILD=1 and both exist.
build() {
  if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ] || [ ! -f "$RLS_JAR" ]; then
    say "building $RLS_JAR and $JAR"
    mkdir -p benchmarks/target
    if ! mvn -B -q -ntp -DskipTests -Dui.skip -pl benchmarks -am package \
      >"benchmarks/target/$NAME-build.log" 2>&1; then
      tail -n 40 "benchmarks/target/$NAME-build.log" >&2
      say "FAILED: the build failed (log: benchmarks/target/$NAME-build.log)"
      exit 2
    fi
  fi
}

# Every process started is stopped on exit.
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free TCP port on 127.0.0.1 (the kernel's pick; released just before the RLS binds it). Perl,
# because Debian always has it (perl-base is essential) and python3 is not always there.
free_port() {
  perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(LocalAddr => "127.0.0.1", Listen => 1)->sockport, "\n"'
}

# wait_for CONDITION_CMD SECONDS WHAT
wait_for() {
  local i
  for ((i = 0; i < $2 * 5; i++)); do
    if eval "$1"; then return 0; fi
    sleep 0.2
  done
  say "FAILED: $3 not up within $2 s"
  exit 2
}

# CPU time (user + system) a process has used so far, in clock ticks.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
# seconds DURATION: 20s, 500ms, 2m or a bare number of seconds, as seconds.
seconds() {
  awk -v d="$1" 'BEGIN { if (d ~ /ms$/) print d / 1000; else if (d ~ /m$/) print d * 60; else print d + 0 }'
}
# per_request TICKS REQUESTS [TIMES]: microseconds of CPU per request, for TIMES x REQUESTS.
per_request() {
  awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" -v k="${3:-1}" 'BEGIN { printf "%.0f", t * 1e6 / hz / (n * k) }'
}

# start_stub OUTDIR: StubUpstream (204 to every POST) on a free port; sets STUB_PID, STUB_PORT.
start_stub() {
  $LOAD_CPUS "$JAVA" $PINNED_JVM -Xms256m -Xmx256m -cp "$JAR" io.mimiredge.testsupport.StubUpstream 0 \
    >"$1/stub.out" 2>&1 &
  STUB_PID=$!
  PIDS+=("$STUB_PID")
  wait_for "grep -q '^port ' '$1/stub.out'" 20 "the stub upstream"
  STUB_PORT=$(awk '/^port /{print $2}' "$1/stub.out")
  say "stub upstream on 127.0.0.1:$STUB_PORT"
}

# start_rls OUTDIR CONFIG HTTP_PORT [JVM options...]: the RLS jar on CONFIG, pinned with PIN=1,
# waited for until /api/health/ready answers; sets RLS_PID.
start_rls() {
  local dir=$1 config=$2 port=$3
  shift 3
  $RLS_CPUS "$RLS_JAVA" $PINNED_JVM "$@" -jar "$RLS_JAR" server "$config" >"$dir/rls.log" 2>&1 &
  RLS_PID=$!
  PIDS+=("$RLS_PID")
  # shellcheck disable=SC2317
  rls_ready() {
    kill -0 "$RLS_PID" 2>/dev/null || { tail -n 30 "$dir/rls.log" >&2; say "FAILED: the RLS exited"; exit 2; }
    curl -fsS -o /dev/null "http://127.0.0.1:$port/api/health/ready" 2>/dev/null
  }
  wait_for rls_ready 60 "the RLS"
  say "RLS on 127.0.0.1:$port (log: $dir/rls.log)"
}

# heap_after_gc_mib PID PORT: a full GC in the RLS (jcmd GC.run: System.gc(), a full collection
# under G1), then the heap in use as its /metrics says (jvm_memory_used_bytes{area="heap"}), in MiB
# with one decimal; empty if either failed.
heap_after_gc_mib() {
  timeout 60 "$JCMD" "$1" GC.run >/dev/null 2>&1 || return 0
  curl -fsS -m 10 "http://127.0.0.1:$2/metrics" 2>/dev/null |
    awk 'index($0, "jvm_memory_used_bytes{area=\"heap\"} ") == 1 { printf "%.1f", $2 / 1048576 }'
}
