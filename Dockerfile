# One Dockerfile for both services; pick the service with the build arg SERVICE.
#
#   dev      deps + tsx watch; used by docker-compose.dev.yml with the repo mounted at /app
#   runtime  production image: esbuild bundle, its production dependencies, non-root `node` user,
#            HEALTHCHECK on /health/live. It does not migrate: run `npm run db:migrate` as a deploy step.
#
#   docker build --target runtime --build-arg SERVICE=auth-service -t user-platform/auth-service .
#   docker build --target runtime --build-arg SERVICE=user-service -t user-platform/user-service .
#
# Behind a TLS-intercepting proxy (npm ci fails with SELF_SIGNED_CERT_IN_CHAIN / UNABLE_TO_GET_ISSUER_CERT),
# pass the proxy's CA certificates (PEM text, public) so npm trusts them during the build only:
#   --build-arg EXTRA_CA_CERTS="$(cat /usr/local/share/ca-certificates/*.crt)"
# They are used through NODE_EXTRA_CA_CERTS in the npm ci steps and never reach the runtime image.
#
# No `# syntax=` line on purpose: it would make BuildKit pull a frontend image from a registry, and
# the built-in frontend is enough here (no RUN --mount either, so the legacy builder works too).
#
# NODE_IMAGE lets machines without registry access use a locally built/tagged base image.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    CHECKPOINT_DISABLE=1

# ---------------------------------------------------------------------------------------------------
# deps: the whole workspace's dependencies (dev included: tsx, esbuild, prisma, fauxqs, ...).
# Only the manifests are copied, so this layer is rebuilt only when dependencies change, and it is
# shared by both services (SERVICE is declared after it).
FROM base AS deps
ARG EXTRA_CA_CERTS=""
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY services/auth-service/package.json services/auth-service/
COPY services/user-service/package.json services/user-service/
RUN ca=/tmp/extra-ca.pem && printf '%s\n' "$EXTRA_CA_CERTS" > "$ca" \
 && if grep -q 'BEGIN CERTIFICATE' "$ca"; then export NODE_EXTRA_CA_CERTS="$ca"; fi \
 && npm ci && npm cache clean --force && rm -f "$ca"

# ---------------------------------------------------------------------------------------------------
# dev: hot reload. docker-compose.dev.yml mounts the repository over /app and keeps this image's
# node_modules through volumes, so no source is copied here. The compose file runs
# `npm run generate` (Prisma client) and then `tsx watch` directly, not through `npm run dev`:
# npm -> sh -> tsx loses the SIGTERM, so the service would be killed instead of draining.
FROM deps AS dev
ARG SERVICE
ENV NODE_ENV=development \
    SERVICE=${SERVICE} \
    PATH=/app/node_modules/.bin:${PATH}
EXPOSE 3001 3002
WORKDIR /app/services/${SERVICE}
CMD ["sh", "-c", "npm run --silent generate && exec tsx watch --clear-screen=false src/server.ts"]

# ---------------------------------------------------------------------------------------------------
# build: generate the Prisma client (gitignored, so a fresh clone has none) and bundle the service
# with esbuild -> services/<service>/dist/server.js
FROM deps AS build
ARG SERVICE
RUN case "${SERVICE}" in \
      auth-service|user-service) ;; \
      *) echo "build arg SERVICE must be auth-service or user-service (got '${SERVICE}')" >&2; exit 1 ;; \
    esac
COPY . .
RUN npm run generate -w "@platform/${SERVICE}" \
 && npm run build -w "@platform/${SERVICE}" \
 && test -f "services/${SERVICE}/dist/server.js"

# ---------------------------------------------------------------------------------------------------
# prod-deps: what the bundle leaves external (every npm dependency: argon2's native addon, Prisma's
# runtime and wasm query compiler, pino, the AWS SDK...), installed for this service only.
# - --omit=optional as well: the root's dev tools that are also optional peers of production packages
#   (the prisma CLI and typescript, peers of @prisma/client) are marked devOptional and would stay.
# - npm keeps a dependency nested under services/<service>/node_modules when the root holds another
#   major (jose 6 here, jose 5 of serverless-offline at the root): that folder ships too.
# - Prisma's runtime carries a query compiler per database; only PostgreSQL's is loaded.
# - node_modules/@platform/* are links to workspace sources the bundle already contains.
FROM base AS prod-deps
ARG SERVICE
ARG EXTRA_CA_CERTS=""
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY services/auth-service/package.json services/auth-service/
COPY services/user-service/package.json services/user-service/
RUN ca=/tmp/extra-ca.pem && printf '%s\n' "$EXTRA_CA_CERTS" > "$ca" \
 && if grep -q 'BEGIN CERTIFICATE' "$ca"; then export NODE_EXTRA_CA_CERTS="$ca"; fi \
 && npm ci --omit=dev --omit=optional --workspace "@platform/${SERVICE}" && npm cache clean --force && rm -f "$ca" \
 && rm -rf node_modules/@platform \
 && find node_modules/@prisma/client/runtime -type f \
      \( -name '*.mysql.*' -o -name '*.sqlite.*' -o -name '*.sqlserver.*' -o -name '*.cockroachdb.*' \) -delete \
 && mkdir -p "services/${SERVICE}/node_modules"

# ---------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV NODE_ENV=production \
    SERVICE=${SERVICE}
WORKDIR /app
# Owned by root and only readable by the `node` user: the process cannot change its own code.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=prod-deps /app/services/${SERVICE}/node_modules ./services/${SERVICE}/node_modules
COPY --from=build /app/services/${SERVICE}/package.json ./services/${SERVICE}/package.json
COPY --from=build /app/services/${SERVICE}/dist ./services/${SERVICE}/dist
WORKDIR /app/services/${SERVICE}
USER node
EXPOSE 3001 3002
# The port is AUTH_PORT / USER_PORT (defaults 3001 / 3002); HEALTHCHECK_PORT overrides.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const e=process.env;const p=e.HEALTHCHECK_PORT||(e.SERVICE==='user-service'?(e.USER_PORT||3002):(e.AUTH_PORT||3001));fetch('http://127.0.0.1:'+p+'/health/live',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1 and handles SIGTERM itself (serveUntilStopped): `docker stop` drains, then exit 0.
CMD ["node", "dist/server.js"]
