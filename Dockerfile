# syntax=docker/dockerfile:1
# One image for the web, worker and beat containers of docker-compose.yml.
# Build it on a machine with internet access (Debian, PyPI and npm mirrors); the running container
# fetches nothing: fonts, front-end assets and translations are all inside the image.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- front-end assets: npm runs here only, never in the final image --------------------------------
FROM ${PYTHON_IMAGE} AS assets
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
COPY scripts/vendor-assets.sh scripts/
RUN bash scripts/vendor-assets.sh

# --- Python dependencies, in a virtualenv copied into the final image ------------------------------
FROM ${PYTHON_IMAGE} AS python-deps
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /build
COPY . .
# A regular (non-editable) install of the project with its production dependencies only (no dev
# extras). The project's own code then leaves the virtualenv again: the settings find templates,
# static files and translations next to the source, so the code runs from /app (PYTHONPATH below)
# and a second copy in site-packages would only be a trap.
RUN pip install --upgrade pip \
    && pip install . \
    && pip uninstall --yes huanjietong

# --- the runtime image --------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# fonts-noto-cjk: the Chinese fonts of pages and PDFs; pango/harfbuzz: WeasyPrint's renderer;
# fontconfig: its cache, built once here; gettext: msgfmt for compilemessages;
# shared-mime-info: file type detection of uploads.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk \
        fontconfig \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        gettext \
        shared-mime-info \
    && rm -rf /var/lib/apt/lists/* \
    && fc-cache -f

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    MEDIA_ROOT=/data/media

COPY --from=python-deps /opt/venv /opt/venv
WORKDIR /app
COPY . .
COPY --from=assets /src/static/vendor static/vendor

# Translations and static files are built into the image. The production settings insist on a
# SECRET_KEY and ALLOWED_HOSTS; these dummy values exist for this step only and are not kept.
RUN SECRET_KEY=build-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=build.invalid \
    sh -c 'python manage.py compilemessages -v 0 && python manage.py collectstatic --noinput -v 0' \
    && python -m compileall -q /app \
    && chmod 0755 docker/entrypoint.sh \
    && mkdir -p /data/media \
    && chown app:app /data/media

USER app
EXPOSE 8000

# For the web role; docker-compose.yml gives worker and beat their own checks.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py", "http://127.0.0.1:8000/healthz"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
