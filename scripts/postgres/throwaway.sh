#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests and CI: Debian's postgresql package, a temp dir, a loopback port.
#   scripts/postgres/throwaway.sh start [DIR] [PORT]   -> prints DATABASE_URL=postgres://… on its last line
#   scripts/postgres/throwaway.sh stop DIR
# As root the server runs as the `postgres` user (PostgreSQL refuses to run as root). Password auth (scram) on
# 127.0.0.1 only; the socket lives in DIR, so nothing outside DIR is touched.
set -euo pipefail
cmd=${1:-start}
dir=${2:-$(mktemp -d /tmp/me-verifier-pg.XXXXXX)}
port=${3:-0}

bindir=""
for candidate in "${PG_BINDIR:-}" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
	if [ -n "$candidate" ] && [ -x "$candidate/initdb" ]; then bindir=$candidate; break; fi
done
if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then bindir=$(dirname "$(command -v initdb)"); fi
if [ -z "$bindir" ]; then
	echo "[postgres] initdb not found: install PostgreSQL (sudo apt-get install -y postgresql)" >&2
	exit 1
fi

as_owner() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
	if [ "$port" = 0 ]; then
		port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	fi
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
	chmod 700 "$dir"
	password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
	as_owner bash -c "umask 077; printf '%s\n' '$password' > '$dir/pwfile'"
	as_owner "$bindir/initdb" -D "$dir/data" -U meverifier --pwfile="$dir/pwfile" \
		--auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	as_owner rm -f "$dir/pwfile"
	as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
		-o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c fsync=off -c max_connections=200" \
		start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
	echo "$port" >"$dir/port"
	[ "$(id -u)" = 0 ] && chown postgres:postgres "$dir/port"
	echo "[postgres] throw-away cluster in $dir on 127.0.0.1:$port ($bindir)" >&2
	echo "DATABASE_URL=postgres://meverifier:$password@127.0.0.1:$port/postgres"
	;;
stop)
	[ -d "$dir/data" ] || exit 0
	as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start [DIR] [PORT] | stop DIR" >&2
	exit 2
	;;
esac
