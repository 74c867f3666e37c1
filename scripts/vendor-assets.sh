#!/usr/bin/env bash
# Copy the front-end packages installed by npm into static/vendor, where the app serves them itself.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf static/vendor
mkdir -p static/vendor/bootstrap static/vendor/htmx static/vendor/echarts
# The source maps go along: the minified files name them, and collectstatic's manifest storage
# refuses to finish when a referenced file is missing.
cp node_modules/bootstrap/dist/css/bootstrap.min.css{,.map} static/vendor/bootstrap/
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js{,.map} static/vendor/bootstrap/
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
for license in bootstrap htmx.org echarts; do
  cp "node_modules/$license/LICENSE" "static/vendor/${license%%.*}/" 2>/dev/null || true
done
