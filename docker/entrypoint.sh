#!/usr/bin/env bash
# Container entry point for the web, worker and beat roles of the one image.
#
#   entrypoint.sh web|worker|beat [command ...]   the role first, then the command (or its default)
#   entrypoint.sh command ...                     any command; the role comes from APP_ROLE, if set
#
# Every role waits for the database. Only the web role applies migrations, so that several worker
# containers never race each other to migrate; worker and beat start after web is healthy.
set -euo pipefail

role="${APP_ROLE:-}"
case "${1:-}" in
  web | worker | beat)
    role="$1"
    shift
    ;;
esac

if [ "$#" -eq 0 ]; then
  case "$role" in
    web)
      set -- gunicorn config.wsgi:application --bind 0.0.0.0:8000 \
        --workers "${WEB_CONCURRENCY:-3}" --access-logfile - --worker-tmp-dir /dev/shm
      ;;
    worker) set -- celery -A config worker -l info ;;
    beat) set -- celery -A config beat -l info ;;
    *)
      echo "usage: entrypoint.sh web|worker|beat [command ...]  or  entrypoint.sh command ..." >&2
      exit 64
      ;;
  esac
fi

# Wait until the database accepts connections (DB_WAIT_SECONDS, 60 by default), then go on.
python - <<'PY'
import os
import sys
import time

import django

django.setup()

from django.db import OperationalError, connection  # noqa: E402

deadline = time.monotonic() + int(os.environ.get("DB_WAIT_SECONDS", "60"))
while True:
    try:
        connection.ensure_connection()
    except OperationalError as e:
        if time.monotonic() > deadline:
            sys.exit(f"The database did not answer in time: {e}")
        print("Waiting for the database ...", file=sys.stderr, flush=True)
        time.sleep(2)
    else:
        connection.close()
        break
PY

if [ "$role" = "web" ]; then
  python manage.py migrate --noinput
fi

exec "$@"
