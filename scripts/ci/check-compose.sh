#!/usr/bin/env bash
# CI check of the docker compose dev stack: make sure Compose v2 is available, then let it parse,
# interpolate and validate docker-compose.dev.yml. Needs no Docker engine and pulls/builds nothing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
compose_file="$root/docker-compose.dev.yml"

bash "$root/scripts/ci/ensure-docker-compose.sh"

[[ -f "$compose_file" ]] || { echo "[check-compose] ERROR: $compose_file not found" >&2; exit 1; }

echo "[check-compose] docker compose -f docker-compose.dev.yml config --quiet"
if ! (cd "$root" && docker compose -f "$compose_file" config --quiet); then
  echo "[check-compose] ERROR: docker-compose.dev.yml is not valid (see the message above)" >&2
  exit 1
fi
echo "[check-compose] OK: docker-compose.dev.yml is valid ($(docker compose version --short))"
