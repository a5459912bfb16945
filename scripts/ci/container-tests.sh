#!/usr/bin/env bash
# CI's testcontainers target: the whole `npm test` with Postgres and Redis in containers started by
# testcontainers (no TEST_POSTGRES_URL / TEST_REDIS_URL), on a Docker engine and images that
# scripts/docker/setup-docker.sh provides (it installs and starts what is missing, and is a few seconds
# when everything is there). Only the images testcontainers needs are ensured here.
# Exits non-zero when the setup or any test fails.
#
#   bash scripts/ci/container-tests.sh [jest arguments...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

log() { printf '[container-tests] %s\n' "$*" >&2; }
start=$(date +%s)

DOCKER_SETUP_IMAGES="${DOCKER_SETUP_IMAGES:-postgres redis}" bash scripts/docker/setup-docker.sh

# Set but empty rather than unset: the suite loads .env (npm run setup may have written these there)
# without overriding variables that exist, and treats empty as "not given".
export TEST_POSTGRES_URL='' TEST_REDIS_URL=''
# The ryuk helper image cannot be pulled here; the suite's teardown stops its containers.
export TESTCONTAINERS_RYUK_DISABLED="${TESTCONTAINERS_RYUK_DISABLED:-true}"
export TESTCONTAINERS_HOST_OVERRIDE="${TESTCONTAINERS_HOST_OVERRIDE:-localhost}"

log "npm test against testcontainers (postgres:17-alpine, redis:7-alpine)"
status=0
npm test -- "$@" || status=$?
log "npm test exited $status after $(($(date +%s) - start))s in total"
exit "$status"
