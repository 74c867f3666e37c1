"""Settings of the Celery worker that tests/reports/test_worker.py starts: the test settings, on the
test database and media folder of the pytest run (from the environment), really consuming from
Redis, with short timeouts so that a killed worker's task comes back within seconds."""

from pathlib import Path

from config.settings.test import *  # noqa: F403
from config.settings.test import env

MEDIA_ROOT = Path(env("MEDIA_ROOT"))
CELERY_TASK_ALWAYS_EAGER = False
# Redis gives an unacknowledged message (its worker was killed) to another worker once it is this
# many seconds old; a worker looks for such messages every second (by default about every 100 s)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("REPORTS_TEST_VISIBILITY", 4),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
REPORT_RENDER_TIMEOUT = env.int("REPORT_RENDER_TIMEOUT", default=2)
# seconds to sleep at each progress step: time enough to kill the worker mid-render
REPORT_TEST_STEP_DELAY = env.float("REPORT_TEST_STEP_DELAY", default=0)
