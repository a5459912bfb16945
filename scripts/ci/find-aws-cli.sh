#!/usr/bin/env bash
# Prints the path of an AWS CLI that speaks SQS's JSON protocol (v1 >= 1.32 or v2 >= 2.13.34):
# the topology test runs the LocalStack init hook with it against fauxqs, which lacks the old
# query protocol. Debian bookworm's awscli (2.9) is too old; machines of this kind ship a
# current v1 in pyenv's Python. Exits 1 with what to install when none is found.
set -uo pipefail

compatible() {
  local version major minor patch
  version=$("$1" --version 2>&1 | sed -n 's#^aws-cli/\([0-9.]*\).*#\1#p')
  IFS=. read -r major minor patch <<<"$version"
  [ -n "${major:-}" ] || return 1
  if [ "$major" -eq 1 ]; then [ "$minor" -ge 32 ]; return; fi
  [ "$major" -eq 2 ] && { [ "$minor" -gt 13 ] || { [ "$minor" -eq 13 ] && [ "${patch:-0}" -ge 34 ]; }; }
}

candidates=("${AWS_CLI:-}" "$(command -v aws 2>/dev/null)")
for root in "${PYENV_ROOT:-$HOME/.pyenv}" /root/.pyenv; do
  for cli in "$root"/versions/*/bin/aws; do candidates+=("$cli"); done
done
candidates+=(/usr/local/bin/aws /usr/bin/aws)

for cli in "${candidates[@]}"; do
  [ -n "$cli" ] && [ -x "$cli" ] && compatible "$cli" && { echo "$cli"; exit 0; }
done
echo "find-aws-cli: no AWS CLI that speaks SQS's JSON protocol (v1 >= 1.32 or v2 >= 2.13.34) was found;" >&2
echo "  install one (pip install awscli, or the AWS CLI v2 installer) or set AWS_CLI to its path." >&2
exit 1
