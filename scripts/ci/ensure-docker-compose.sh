#!/usr/bin/env bash
# Make `docker compose` (Compose v2, the CLI plugin) available.
#
# Debian bookworm only ships Compose v1 (`docker-compose`). The v2 plugin is a static Go binary inside
# Debian trixie's `docker-compose` package, so we fetch that one package from the SAME Debian mirror the
# machine already uses (derived from its own apt sources, no host is hard-coded here), unpack it and put
# the binary into the user's docker CLI plugin directory.
#
# - Idempotent: does nothing when `docker compose version` already works.
# - Leaves the machine's apt configuration and state alone: a private sources list, lists dir and cache
#   dir under a temporary directory are used (-o Dir::Etc::sourcelist / sourceparts=- / Dir::State::Lists
#   / Dir::Cache), and the package is only downloaded and unpacked (never installed with dpkg).
# - Signature checked by apt against the machine's Debian archive keyring; the .deb's hash is checked
#   against the signed index.
#
# Environment (all optional):
#   COMPOSE_DEBIAN_SUITE   suite to take the package from (default: trixie)
#   COMPOSE_DEBIAN_MIRROR  Debian mirror URI to use instead of the one derived from the apt sources
#   DOCKER_CONFIG          docker CLI config dir (default: ~/.docker); the plugin goes to $DOCKER_CONFIG/cli-plugins
set -euo pipefail

log() { printf '[ensure-docker-compose] %s\n' "$*" >&2; }
die() { printf '[ensure-docker-compose] ERROR: %s\n' "$*" >&2; exit 1; }

SUITE="${COMPOSE_DEBIAN_SUITE:-trixie}"
PLUGIN_DIR="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
PLUGIN="$PLUGIN_DIR/docker-compose"

command -v docker >/dev/null 2>&1 \
  || die "the docker CLI is not on PATH (expected e.g. /usr/local/bin/docker); install the docker client first"

if version="$(docker compose version 2>/dev/null)"; then
  log "already available: $version (nothing to do)"
  exit 0
fi

for tool in apt-get dpkg dpkg-deb; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found: this script needs a Debian-based machine"
done

# --- 1. the mirror: the machine's own Debian archive ------------------------------------------------
# `apt-get indextargets` lists every index apt is configured for, from both one-line (*.list) and
# deb822 (*.sources) files, skipping disabled entries; --no-release-info works without downloaded lists.
mirror="${COMPOSE_DEBIAN_MIRROR:-}"
mirror_origin="COMPOSE_DEBIAN_MIRROR"
if [[ -z "$mirror" ]]; then
  mirror_origin="the machine's apt sources"
  # shellcheck disable=SC1091 # the machine's own os-release
  codename="$( . /etc/os-release 2>/dev/null && printf '%s' "${VERSION_CODENAME:-}")"
  # shellcheck disable=SC2016 # $(...) here is apt's --format syntax, not the shell's
  targets="$(apt-get indextargets --no-release-info --format '$(REPO_URI) $(RELEASE) $(TARGET_OF)' 2>/dev/null | sort -u || true)"
  # Prefer the entry for the machine's own release (e.g. ".../debian/ bookworm"), then its -updates
  # suite; never the security archive, which has a different layout (and no docker-compose).
  for want in "$codename" "$codename-updates" stable stable-updates; do
    [[ -n "$want" && "$want" != "-updates" ]] || continue
    mirror="$(awk -v s="$want" '$2 == s && $3 == "deb" { print $1; exit }' <<<"$targets")"
    [[ -n "$mirror" ]] && break
  done
  [[ -n "$mirror" ]] || die "could not find a Debian archive in the apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d/*).
  apt knows these index targets:
${targets:-  (none)}
  Set COMPOSE_DEBIAN_MIRROR to a Debian mirror URI, or install the Compose v2 plugin into $PLUGIN_DIR yourself."
fi
mirror="${mirror%/}/"
arch="$(dpkg --print-architecture)"
log "docker compose (v2) not available; fetching package 'docker-compose' from Debian $SUITE"
log "mirror (from $mirror_origin): $mirror  architecture: $arch"

# --- 2. a private apt setup ---------------------------------------------------------------------------
tmp="$(mktemp -d "${TMPDIR:-/tmp}/ensure-docker-compose.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/download" "$tmp/extract"

signed_by=""
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -r "$keyring" ]] && signed_by=" signed-by=$keyring"
printf 'deb [arch=%s%s] %s %s main\n' "$arch" "$signed_by" "$mirror" "$SUITE" >"$tmp/sources.list"
log "temporary sources list: $(cat "$tmp/sources.list")"

apt_opts=(
  -o "Dir::Etc::sourcelist=$tmp/sources.list"
  -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$tmp/lists"
  -o "Dir::Cache=$tmp/cache"
  -o "Dir::Cache::archives=$tmp/cache/archives"
  -o "APT::Get::List-Cleanup=0"
  -o "Acquire::Languages=none"
  -o "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false"
  -o "Acquire::Retries=3"
)
if [[ "$(id -u)" == 0 ]]; then
  # The private dirs belong to root (mode 0700); let root fetch instead of the _apt sandbox user.
  apt_opts+=(-o "APT::Sandbox::User=root")
else
  apt_opts+=(-o "Debug::NoLocking=1")
fi

log "apt-get update (private lists dir, $SUITE main only)"
if ! apt-get "${apt_opts[@]}" -q update >"$tmp/update.log" 2>&1 \
   || grep -qE '^(W|E): (Failed to fetch|Some index files failed|The repository .* (is not signed|does not have a Release))|NO_PUBKEY|is not signed' "$tmp/update.log"; then
  cat "$tmp/update.log" >&2
  die "could not read the $SUITE package index from $mirror (see the apt output above)"
fi

log "apt-get download docker-compose"
if ! (cd "$tmp/download" && apt-get "${apt_opts[@]}" -q download docker-compose) >"$tmp/download.log" 2>&1; then
  cat "$tmp/download.log" >&2
  die "could not download the 'docker-compose' package of Debian $SUITE from $mirror"
fi
debs=("$tmp"/download/docker-compose_*.deb)
deb="${debs[0]}"
[[ -f "$deb" ]] || die "apt-get download reported success but no docker-compose_*.deb is in $tmp/download"
log "downloaded $(basename "$deb") ($(du -h "$deb" | cut -f1))"

# --- 3. unpack and install the plugin -----------------------------------------------------------------
dpkg-deb -x "$deb" "$tmp/extract"
bin=""
for candidate in usr/libexec/docker/cli-plugins/docker-compose usr/lib/docker/cli-plugins/docker-compose; do
  if [[ -f "$tmp/extract/$candidate" ]]; then bin="$tmp/extract/$candidate"; break; fi
done
[[ -n "$bin" ]] || die "the package has no docker CLI plugin binary; its contents:
$(dpkg-deb -c "$deb")"

mkdir -p "$PLUGIN_DIR"
install -m 0755 "$bin" "$PLUGIN.tmp.$$"
mv -f "$PLUGIN.tmp.$$" "$PLUGIN" # atomic: a concurrent run never sees a half-written binary
log "installed $PLUGIN"

version="$(docker compose version 2>&1)" \
  || die "installed $PLUGIN but 'docker compose version' still fails: $version"
log "ok: $version"
