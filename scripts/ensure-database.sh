#!/usr/bin/env bash
# ensure-database.sh SERVER_URL NAME [--fresh]: creates database NAME (dropping it first
# with --fresh) and prints its URL.
set -euo pipefail
server=$1 name=$2 fresh=${3:-}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
if [ "$fresh" = "--fresh" ]; then
  "$bin/psql" -q -d "$server/postgres" -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >&2
fi
exists=$("$bin/psql" -tA -d "$server/postgres" -c "SELECT 1 FROM pg_database WHERE datname = '$name'")
[ "$exists" = 1 ] || "$bin/psql" -q -d "$server/postgres" -c "CREATE DATABASE \"$name\"" >&2
echo "$server/$name"
