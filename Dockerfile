# One Dockerfile for both services; pick the service with the build arg SERVICE.
#
#   dev      deps + tsx watch; used by docker-compose.dev.yml with the repo mounted at /app
#   runtime  production image: esbuild bundle, non-root `node` user, HEALTHCHECK on /health/live
#
#   docker build --target runtime --build-arg SERVICE=auth-service -t user-platform/auth-service .
#   docker build --target runtime --build-arg SERVICE=user-service -t user-platform/user-service .
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
    NPM_CONFIG_AUDIT=false

# ---------------------------------------------------------------------------------------------------
# deps: the whole workspace's dependencies (dev included: tsx, esbuild, prisma, ...).
# Only the manifests are copied, so this layer is rebuilt only when dependencies change, and it is
# shared by both services (SERVICE is declared after it).
FROM base AS deps
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY services/auth-service/package.json services/auth-service/
COPY services/user-service/package.json services/user-service/
RUN npm ci && npm cache clean --force

# ---------------------------------------------------------------------------------------------------
# dev: hot reload. docker-compose.dev.yml mounts the repository over /app and keeps this image's
# node_modules through volumes, so no source is copied here.
FROM deps AS dev
ARG SERVICE
ENV NODE_ENV=development \
    SERVICE=${SERVICE}
EXPOSE 3001 3002
# `npm run dev -w @platform/<service>` runs `tsx watch src/server.ts`; exec so signals reach npm.
CMD ["sh", "-c", "exec npm run dev -w \"@platform/${SERVICE:?set the build arg SERVICE (auth-service or user-service)}\""]

# ---------------------------------------------------------------------------------------------------
# build: bundle the service with esbuild -> services/<service>/dist/server.js
FROM deps AS build
ARG SERVICE
RUN case "${SERVICE}" in \
      auth-service|user-service) ;; \
      *) echo "build arg SERVICE must be auth-service or user-service (got '${SERVICE}')" >&2; exit 1 ;; \
    esac
COPY . .
RUN npm run build -w "@platform/${SERVICE}" \
 && test -f "services/${SERVICE}/dist/server.js"

# ---------------------------------------------------------------------------------------------------
# prod-deps: production dependencies of the service only, for whatever the bundle leaves external
# (native addons such as argon2, Prisma's runtime/wasm, pino transports).
FROM base AS prod-deps
ARG SERVICE
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY services/auth-service/package.json services/auth-service/
COPY services/user-service/package.json services/user-service/
RUN npm ci --omit=dev --workspace "@platform/${SERVICE}" && npm cache clean --force

# ---------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV NODE_ENV=production \
    SERVICE=${SERVICE}
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/services/${SERVICE}/package.json ./services/${SERVICE}/package.json
COPY --from=build --chown=node:node /app/services/${SERVICE}/dist ./services/${SERVICE}/dist
WORKDIR /app/services/${SERVICE}
USER node
EXPOSE 3001 3002
# The port is AUTH_PORT / USER_PORT (defaults 3001 / 3002); HEALTHCHECK_PORT overrides.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const e=process.env;const p=e.HEALTHCHECK_PORT||(e.SERVICE==='user-service'?(e.USER_PORT||3002):(e.AUTH_PORT||3001));fetch('http://127.0.0.1:'+p+'/health/live',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/server.js"]
