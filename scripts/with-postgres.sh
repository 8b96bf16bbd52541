#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server: initialised in a temporary folder,
# started (as the `postgres` user when we are root), stopped and removed afterwards whatever
# happened. The command gets DATABASE_URL pointing at it.
set -euo pipefail

find_pg_bin() {
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && echo "$dir"
    done | sort -V | tail -n 1
}
PG_BIN="${PG_BIN:-$(find_pg_bin)}"
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL server binaries not found (install Debian's postgresql package)" >&2
    exit 1
fi

workdir="$(mktemp -d /tmp/otmetka-pg.XXXXXX)"
chmod 755 "$workdir"
as_pg=()
if [ "$(id -u)" = "0" ]; then
    chown postgres: "$workdir"
    as_pg=(runuser -u postgres --)
fi
port="${PG_PORT:-54329}"

cleanup() {
    "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$workdir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

"${as_pg[@]}" "$PG_BIN/initdb" -D "$workdir/data" -A trust -U postgres -E UTF8 \
    --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w \
    -o "-p $port -k $workdir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') running in $workdir" >&2

socket="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$workdir")"
export DATABASE_URL="postgres://postgres@${socket}:${port}/otmetka"
"$@"
