#!/usr/bin/env bash
# `npm run setup`: everything a fresh clone needs before `npm run dev` and `npm test`:
# Node 24, dependencies, the generated Prisma clients, a .env, and migrated databases.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node24.sh
echo "setup: node $(node --version)"

echo "setup: installing dependencies (npm ci)"
npm ci --no-fund --no-audit

echo "setup: generating the Prisma clients"
npm run --silent generate

if [ ! -f .env ]; then
  cp .env.example .env
  echo "setup: wrote .env from .env.example (edit it to point at other databases)"
fi
set -a; source .env; set +a

echo "setup: applying database migrations"
if ! npm run --silent db:migrate; then
  echo "setup: migrations failed. Is Postgres running? Start a local one, or run the docker compose stack" >&2
  echo "       (docker compose -f docker-compose.dev.yml up -d postgres-auth postgres-user redis localstack)" >&2
  echo "       and set AUTH_DATABASE_URL / USER_DATABASE_URL in .env as .env.example shows." >&2
  exit 1
fi
echo "setup: done. Next: npm run dev   (and npm test for the test suite)"
