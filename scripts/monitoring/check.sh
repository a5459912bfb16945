#!/usr/bin/env bash
# npm run monitoring:check: promtool validates the Prometheus configuration and the alert rules, and
# runs the rules' unit tests (monitoring/prometheus/tests). promtool comes from Debian's `prometheus`
# package (2.42 on bookworm); it is installed when missing and this runs as root (CI), else the
# script says what to install. PROMTOOL names another binary.
set -euo pipefail
cd "$(dirname "$0")/../../monitoring/prometheus"

promtool=${PROMTOOL:-$(command -v promtool || true)}
if [ -z "$promtool" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "[monitoring] installing promtool (Debian's prometheus package)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    promtool=$(command -v promtool)
  else
    echo "[monitoring] promtool not found: apt-get install prometheus (Debian), or set PROMTOOL to its path" >&2
    exit 1
  fi
fi
echo "[monitoring] $("$promtool" --version 2>&1 | head -n1)"
"$promtool" check config prometheus.yml
"$promtool" check rules rules/*.yml
"$promtool" test rules tests/*.yml
