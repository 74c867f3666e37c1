"""The production packaging points at things that exist: docker-compose.yml, Dockerfile, the
entrypoint, the health check and .env.example are checked against the project itself.

No Docker engine is needed; what a container would run is imported or run here instead.
"""

import ast
import fnmatch
import importlib
import importlib.util
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from celery.beat import Scheduler
from celery.utils.imports import symbol_by_name
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler
from django.test import override_settings
from django.urls import resolve

from core import views as core_views

ROOT = Path(settings.BASE_DIR)
APP_SERVICES = ("web", "worker", "beat")
ROLES = APP_SERVICES
# the settings modules a production container loads; test.py reads CI-only switches
PRODUCTION_SETTINGS = ("base.py", "production.py")
# what the image build copies or runs, by path in the repository
BUILD_INPUTS = (
    "pyproject.toml",
    "manage.py",
    "package.json",
    "package-lock.json",
    "scripts/vendor-assets.sh",
    "docker/entrypoint.sh",
    "docker/healthcheck.py",
    "locale",
    "static",
    "templates",
    "config",
)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def _command(service: dict[str, Any]) -> list[str]:
    """The service's command without the entrypoint's role argument."""
    command = [str(part) for part in service["command"]]
    return command[1:] if command[0] in ROLES else command


def _option(command: list[str], *names: str) -> str:
    for i, part in enumerate(command):
        if part in names:
            return command[i + 1]
    raise AssertionError(f"none of {names} in {command}")


def _dockerfile() -> str:
    # join continuation lines so that one instruction is one line
    return (ROOT / "Dockerfile").read_text().replace("\\\n", " ")


# --- docker-compose.yml -------------------------------------------------------------------------


def test_compose_runs_every_app_service_from_the_one_image(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {*APP_SERVICES, "db", "redis"}
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1
    # built once, by web; worker and beat reuse its image
    assert [name for name in services if "build" in services[name]] == ["web"]
    for name in APP_SERVICES:
        service = services[name]
        assert service["env_file"] == ".env"
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert service["restart"] == "unless-stopped"
        assert service["command"][0] == name, "the entrypoint's role comes first"
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"


def test_compose_shares_the_media_volume_between_web_and_worker(compose: dict[str, Any]) -> None:
    services = compose["services"]
    media_root = services["web"]["environment"]["MEDIA_ROOT"]
    for name in ("web", "worker"):
        assert f"media:{media_root}" in services[name]["volumes"]
        assert services[name]["environment"]["MEDIA_ROOT"] == media_root
    assert "media" in compose["volumes"]


def test_compose_publishes_only_the_web_port(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert [name for name in services if "ports" in services[name]] == ["web"]
    assert all(str(port).endswith(":8000") for port in services["web"]["ports"])


def test_compose_database_and_redis_have_health_checks_and_storage(
    compose: dict[str, Any],
) -> None:
    db, redis = compose["services"]["db"], compose["services"]["redis"]
    assert db["image"].startswith("postgres:15")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert redis["image"].startswith("redis:7")
    assert "ping" in redis["healthcheck"]["test"]


def test_web_command_serves_the_wsgi_application(compose: dict[str, Any]) -> None:
    command = _command(compose["services"]["web"])
    assert command[0] == "gunicorn"
    target = next(part for part in command[1:] if not part.startswith("-"))
    assert target == "config.wsgi:application"
    module_name, attribute = target.split(":")
    application = getattr(importlib.import_module(module_name), attribute)
    assert isinstance(application, WSGIHandler)
    assert callable(application)
    assert _option(command, "--bind", "-b") == "0.0.0.0:8000"
    assert _option(command, "--workers", "-w").startswith("${WEB_CONCURRENCY")
    # "-" is stdout, which docker collects
    assert _option(command, "--access-logfile") == "-"


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_commands_load_the_project_celery_app(compose: dict[str, Any], name: str) -> None:
    command = _command(compose["services"][name])
    assert command[0] == "celery"
    assert command[command.index("-A") + 2] == name
    # the same lookup the celery command line does with -A
    app = find_app(_option(command, "-A", "--app"))
    assert isinstance(app, Celery)
    assert app is importlib.import_module("config.celery").app


def test_beat_uses_the_database_scheduler_from_the_settings(compose: dict[str, Any]) -> None:
    command = _command(compose["services"]["beat"])
    # no -S on the command line: the CELERY_BEAT_SCHEDULER setting decides
    assert not {"-S", "--scheduler"} & set(command)
    scheduler = symbol_by_name(settings.CELERY_BEAT_SCHEDULER)
    assert issubclass(scheduler, Scheduler)
    assert scheduler.__name__ == "DatabaseScheduler"
    assert find_app("config").conf.beat_scheduler == settings.CELERY_BEAT_SCHEDULER


def test_web_health_check_targets_the_health_endpoint(compose: dict[str, Any]) -> None:
    checks = [" ".join(compose["services"]["web"]["healthcheck"]["test"])]
    checks += [line for line in _dockerfile().splitlines() if line.startswith("HEALTHCHECK")]
    for check in checks:
        path = re.search(r"https?://[^/\s\"']+(/[^\s\"']*)", check)
        assert path is not None, check
        assert path.group(1) == "/healthz"
        assert resolve(path.group(1)).func is core_views.healthz
        assert "/app/docker/healthcheck.py" in check


# --- Dockerfile and .dockerignore ----------------------------------------------------------------


def _ignored(path: str, patterns: list[str]) -> bool:
    """Whether .dockerignore keeps `path` (or a directory above it) out of the build context."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        pattern = pattern.removeprefix("!")
        variants = {pattern, pattern.removeprefix("**/")}
        if any(fnmatch.fnmatchcase(c, v) for c in candidates for v in variants):
            ignored = not negated
    return ignored


def test_dockerfile_inputs_exist_and_reach_the_build_context() -> None:
    dockerfile = _dockerfile()
    copied = []
    for line in dockerfile.splitlines():
        words = line.split()
        if words and words[0] == "COPY" and not any(w.startswith("--from") for w in words):
            copied += [w for w in words[1:-1] if not w.startswith("--")]
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for path in {*copied, *BUILD_INPUTS} - {"."}:
        assert (ROOT / path).exists(), path
        assert not _ignored(path, patterns), f".dockerignore leaves out {path}"
    # secrets and local state stay out of the image
    for path in (".env", ".venv", "node_modules", "db.sqlite3", "media", ".git"):
        assert _ignored(path, patterns), path
    assert "docker/entrypoint.sh" in dockerfile
    assert os.access(ROOT / "docker/entrypoint.sh", os.X_OK)
    assert os.access(ROOT / "scripts/vendor-assets.sh", os.X_OK)


def test_dockerfile_builds_without_dev_extras_and_runs_unprivileged() -> None:
    dockerfile = _dockerfile()
    assert dockerfile.startswith("# syntax=docker/dockerfile:1")
    assert "ARG PYTHON_IMAGE=python:3.11-slim-bookworm" in dockerfile
    assert "pip install ." in dockerfile
    assert "[dev]" not in dockerfile
    assert " -e " not in dockerfile
    for package in ("fonts-noto-cjk", "libpango-1.0-0", "libpangoft2-1.0-0", "gettext"):
        assert package in dockerfile
    assert "compilemessages" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert "EXPOSE 8000" in dockerfile
    user = [line for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert user == ["USER app"]


# --- the entrypoint, run here with the test settings ---------------------------------------------


def _run_entrypoint(*args: str, database_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "APP_ROLE": "",
        **env,
    }
    return subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [str(ROOT / "docker/entrypoint.sh"), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    db.close()
    return {row[0] for row in rows}


def test_entrypoint_migrates_for_the_web_role_only(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    url = f"sqlite:///{database}"

    worker = _run_entrypoint("worker", "echo", "worker started", database_url=url)
    assert worker.returncode == 0, worker.stderr
    assert worker.stdout.strip() == "worker started"
    assert "django_migrations" not in _tables(database)

    web = _run_entrypoint("web", "echo", "web started", database_url=url)
    assert web.returncode == 0, web.stderr
    assert web.stdout.strip().endswith("web started")
    assert {"django_migrations", "django_celery_beat_periodictask"} <= _tables(database)


def test_entrypoint_stops_when_the_database_never_answers() -> None:
    result = _run_entrypoint(
        "web",
        "echo",
        "must not run",
        database_url="postgres://nobody@127.0.0.1:9/nothing",
        DB_WAIT_SECONDS="0",
    )
    assert result.returncode != 0
    assert "must not run" not in result.stdout
    assert "The database did not answer in time" in result.stderr


# --- the health check script ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def healthcheck() -> ModuleType:
    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "docker/healthcheck.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_health_check_sends_an_allowed_host(healthcheck: ModuleType) -> None:
    assert healthcheck.host_header("huanjie.example.gov.cn,other.example") == (
        "huanjie.example.gov.cn"
    )
    assert healthcheck.host_header(".example.gov.cn") == "example.gov.cn"
    assert healthcheck.host_header("*") == "localhost"
    assert healthcheck.host_header("") == "localhost"


@override_settings(CELERY_TASK_ALWAYS_EAGER=True, REDIS_URL="")
def test_health_check_script_passes_against_a_running_server(
    healthcheck: ModuleType, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", "localhost")
    assert healthcheck.main([f"{live_server.url}/healthz"]) == 0
    # anything but a 200 is unhealthy
    assert healthcheck.main([f"{live_server.url}/no-such-page"]) == 1


# --- .env.example and the production settings ----------------------------------------------------


def _settings_env_names() -> set[str]:
    """Names passed to env(...), env.bool(...), env.db(...) and so on in the settings."""
    names = set()
    for filename in PRODUCTION_SETTINGS:
        tree = ast.parse((ROOT / "config/settings" / filename).read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            is_env = (isinstance(func, ast.Name) and func.id == "env") or (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "env"
            )
            first = node.args[0]
            if is_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
    return names


def _documented_names() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    # "NAME=value", or "# NAME=value" for a variable that compose already sets
    return set(re.findall(r"^(?:#\s*)?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_env_example_documents_every_variable_the_settings_read() -> None:
    names = _settings_env_names()
    # a sanity check of the scan itself
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"} <= names
    missing = sorted(names - _documented_names())
    assert not missing, f"not in .env.example: {missing}"


def test_env_example_documents_every_variable_compose_interpolates() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    # "$$NAME" is the container's own variable, not compose's
    names = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", text))
    missing = sorted(names - _documented_names())
    assert not missing, f"not in .env.example: {missing}"


def test_production_settings_refuse_to_start_without_a_secret_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ALLOWED_HOSTS", "huanjie.example")
    monkeypatch.delitem(sys.modules, "config.settings.production", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        importlib.import_module("config.settings.production")
