#!/usr/bin/env bash
# Entry point of the local redis stand-in (scripts/docker/images/redis).
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then set -- redis-server "$@"; fi

if [ "$1" = 'redis-server' ]; then
  shift
  # The official build turns protected mode off by default; Debian's binary keeps it on, which would
  # refuse connections from outside the container. Put the default right after an optional config
  # file so that anything the command says later wins.
  if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    conf="$1"; shift
    set -- redis-server "$conf" --protected-mode no "$@"
  else
    set -- redis-server --protected-mode no "$@"
  fi
  if [ "$(id -u)" = '0' ]; then
    find . \! -user redis -exec chown redis '{}' + 2>/dev/null || :
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
