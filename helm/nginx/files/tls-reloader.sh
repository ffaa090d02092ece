# tls-reloader DIR INTERVAL PIDFILE: every INTERVAL (sleep's syntax: 30s, 1m), checksum the files in
# DIR (a mounted Secret: kubelet swaps them all at once) and, when they changed, send SIGHUP to the
# NGINX master whose pid is in PIDFILE: a graceful reload that reads the new certificates.
# A failed signal is retried at the next check; nothing here stops NGINX.
dir="$1"
interval="$2"
pidfile="$3"
sum() { cat "$dir"/* 2>/dev/null | cksum; }
last=$(sum)
echo "tls-reloader: watching $dir every $interval"
while sleep "$interval"; do
  now=$(sum)
  [ "$now" = "$last" ] && continue
  pid=$(cat "$pidfile" 2>/dev/null)
  if [ -n "$pid" ] && kill -HUP "$pid" 2>/dev/null; then
    echo "tls-reloader: $dir changed, NGINX (pid $pid) reloaded"
    last=$now
  else
    echo "tls-reloader: $dir changed, but NGINX could not be signalled (pid file $pidfile: '$pid'); retrying"
  fi
done
