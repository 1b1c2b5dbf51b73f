#!/usr/bin/env bash
# The browser tests drive Debian's chromium (headless). Install it, and a Chinese font for the
# screenshots, when missing: with apt as root, otherwise say what to run. Never downloads a browser
# build of its own (Playwright uses this chromium through executable_path).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} for the browser tests…" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "The browser tests need: ${missing[*]} (e.g. sudo apt-get install ${missing[*]}); they will fail without chromium." >&2
fi
