#!/usr/bin/env bash
# Quick start 1: run Laddnet on the embedded SQLite database with demo data and simulated stations.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/laddnet demo "$@"
