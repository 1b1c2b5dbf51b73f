#!/usr/bin/env bash
# Set up everything policybot needs in .venv/ at the repository root (idempotent, offline-safe).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if [ ! -x .venv/bin/python ]; then
  # pip runs quietly for a few minutes the first time: say so, or a new user thinks it hangs.
  echo "首次安装：正在 .venv/ 中安装依赖（约需几分钟，之后启动只需几秒）……" >&2
  "$PYTHON" -m venv .venv
fi
# torch first and pinned: the CPU wheel lies on local disk; anything else pulls a CUDA build.
.venv/bin/pip install -qq --disable-pip-version-check "torch==2.13.0"
.venv/bin/pip install -qq --disable-pip-version-check -e ".[dev]"
# Dequantize the bundled e5-small weights into a sentence-transformers folder and export it to
# ONNX Runtime (int8), the fast encoder `ask` and builds use (once; about two minutes).
.venv/bin/policybot model prepare
