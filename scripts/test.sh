#!/usr/bin/env bash
# Quick start 2: lint, type-check, check the layer contracts and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
ruff check .
ruff format --check .
mypy
lint-imports
pytest -n "${LADDNET_TEST_WORKERS:-auto}" --dist loadgroup "$@"
