#!/usr/bin/env bash
# `make run`: the dev server and, beside it, a real Celery worker with beat embedded, so that long
# work (a 25,000-row import, a report) runs outside the web request, as in production.
#   scripts/run.sh <venv python> <host:port>
# Without REDIS_URL the worker and the server share kombu's filesystem broker under var/celery/
# (CELERY_BROKER_URL=filesystem://, see config/settings/base.py); with REDIS_URL they use Redis.
# The worker stops when the server stops (Ctrl-C, or a TERM to make): no process is left behind.
set -euo pipefail

python="$1"
address="$2"
celery="$(dirname "$python")/celery"
log_dir="var/celery"
mkdir -p "$log_dir"

if [ -z "${REDIS_URL:-}" ]; then
  export CELERY_BROKER_URL="${CELERY_BROKER_URL:-filesystem://localhost/}"
fi

# job control: each background command gets a process group of its own (the worker's embedded
# beat, the server's autoreloader child), stopped as a whole below
set -m
worker=""
server=""

stop() {
  trap - EXIT INT TERM
  # the server's group (its autoreloader child too); the worker's main process only, which stops
  # its pool and beat itself (a warm shutdown: a running task may finish); after 20 s, the rest
  # of both groups is killed
  [ -n "$server" ] && kill -TERM -- "-$server" 2>/dev/null
  [ -n "$worker" ] && kill -TERM "$worker" 2>/dev/null
  for _ in $(seq 40); do
    alive=""
    for group in $server $worker; do
      kill -0 -- "-$group" 2>/dev/null && alive=1
    done
    [ -z "$alive" ] && break
    sleep 0.5
  done
  for group in $server $worker; do
    kill -KILL -- "-$group" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

"$celery" -A config worker -B --concurrency=2 -l info -n "run@%h" \
  --logfile="$log_dir/worker.log" &
worker=$!
echo "Celery worker and beat (pid $worker) log to $log_dir/worker.log"

"$python" manage.py runserver "$address" &
server=$!
# `wait` returns when the server ends or a signal arrives (the trap then stops both)
wait "$server"
