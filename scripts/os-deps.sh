#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the project needs, only those that are missing.
#   scripts/os-deps.sh run    fonts, gettext and the libraries WeasyPrint renders with
#   scripts/os-deps.sh test   the same, plus Chromium for browser tests and poppler to read PDFs
set -euo pipefail

need=(fonts-noto-cjk gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 shared-mime-info)
if [ "${1:-run}" = "test" ]; then
  need+=(chromium chromium-driver poppler-utils)
fi

missing=()
for pkg in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install these packages with your system's package manager: ${missing[*]}" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "Installing OS packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
