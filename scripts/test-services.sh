#!/usr/bin/env bash
# Run the test suite with the real services it needs, started on loopback and torn down afterwards.
# Usage: scripts/test-services.sh PYTEST [ARGS...]
# PostgreSQL: a throwaway cluster in a temp dir when the server binaries are installed (Debian's postgresql);
# its URL reaches the tests as MOCKSIM_TEST_DATABASE_URL. The Chroma server is started by the tests themselves.
set -euo pipefail

pg_bin=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then pg_bin="$d"; break; fi
done

cleanup() { :; }
if [ -n "$pg_bin" ] && [ -z "${MOCKSIM_TEST_DATABASE_URL:-}" ]; then
  pg_dir="$(mktemp -d /tmp/mocksim-pg.XXXXXX)"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  as_pg=()
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$pg_dir"
    as_pg=(runuser -u postgres --)
  fi
  "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U mocksim --no-sync >"$pg_dir/initdb.log" 2>&1
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $pg_dir -F -c max_connections=200" start >/dev/null
  cleanup() { "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
  export MOCKSIM_TEST_DATABASE_URL="postgresql://mocksim@127.0.0.1:$port/postgres"
  echo "test PostgreSQL on 127.0.0.1:$port ($pg_bin)"
elif [ -z "$pg_bin" ]; then
  echo "PostgreSQL server not installed: PostgreSQL store tests will be skipped (.ci/run installs it)"
fi
trap cleanup EXIT
"$@"
