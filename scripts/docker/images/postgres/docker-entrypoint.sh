#!/usr/bin/env bash
# Entry point of the local postgres stand-in (scripts/docker/images/postgres): a small subset of the
# official image's docker-entrypoint.sh, same environment variables and the same two-phase start.
set -Eeo pipefail

if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

if [ "$1" != 'postgres' ]; then exec "$@"; fi

# As root: own the data directory, then run this script again as the postgres user.
if [ "$(id -u)" = '0' ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 0700 "$PGDATA" || :
  exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != 'trust' ]; then
    cat >&2 <<-'MSG'
	Error: Database is uninitialized and superuser password is not specified.
	       Set POSTGRES_PASSWORD to a non-empty value for the superuser, or
	       POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a password.
	MSG
    exit 1
  fi
  auth_method="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is split into words, as in the official image
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "${POSTGRES_PASSWORD:-}") \
    --auth-local=trust --auth-host="$auth_method" ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA"
  printf '\nhost all all all %s\n' "$auth_method" >> "$PGDATA/pg_hba.conf"

  # Temporary server on the unix socket only: it must not look ready from outside.
  PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
  psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
  if [ "$POSTGRES_DB" != 'postgres' ]; then
    "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<-'SQL'
	CREATE DATABASE :"db" ;
	SQL
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    # shellcheck disable=SC1090 # init scripts that are not executable are sourced, as in the official image
    case "$f" in
      *.sh) echo "$0: running $f"; if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
      *.sql) echo "$0: running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) echo "$0: running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
      *) ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo 'PostgreSQL init process complete; ready for start up.'
fi

exec "$@"
