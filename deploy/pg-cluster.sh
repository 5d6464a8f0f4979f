#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for tests and the quickstart, never the system one.
#
#   deploy/pg-cluster.sh start DATADIR [PORT]   init if needed, start on 127.0.0.1 (a free port
#                                               unless PORT is given); prints the port
#   deploy/pg-cluster.sh stop DATADIR           fast shutdown; no-op when not running
#   deploy/pg-cluster.sh status DATADIR         exit 0 when running
#
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user
# (created by the postgresql-15 package). The database superuser is `refundbot` with trust
# authentication on 127.0.0.1 only; Unix sockets are off so nothing outside DATADIR is touched.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
die() { echo "pg-cluster: $*" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    local port
    for port in $(seq 54320 54999); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    die "no free TCP port in 54320-54999"
}

cmd=${1:-}
datadir=${2:-}
[ -n "$cmd" ] && [ -n "$datadir" ] || die "usage: $0 start|stop|status DATADIR [PORT]"
[ -x "$PG_BIN/pg_ctl" ] || die "$PG_BIN/pg_ctl not found; install postgresql-15 (./deploy/install-deps.sh)"
mkdir -p "$datadir"
datadir=$(cd "$datadir" && pwd)
logfile="$datadir.log"

case "$cmd" in
start)
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "user 'postgres' missing; install postgresql-15"
        chown postgres: "$datadir"
        touch "$logfile" && chown postgres: "$logfile"
        as_owner test -w "$datadir" ||
            die "user 'postgres' cannot reach $datadir; use a directory every user can traverse"
    fi
    if [ ! -s "$datadir/PG_VERSION" ]; then
        as_owner "$PG_BIN/initdb" -D "$datadir" -U refundbot --auth=trust --encoding=UTF8 \
            --locale=C.UTF-8 >"$logfile.init" 2>&1 || { cat "$logfile.init" >&2; die "initdb failed"; }
    fi
    if as_owner "$PG_BIN/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
        port=$(sed -n '4p' "$datadir/postmaster.pid")
        echo "$port"
        exit 0
    fi
    port=${3:-$(free_port)}
    as_owner "$PG_BIN/pg_ctl" -D "$datadir" -l "$logfile" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories= -c fsync=${PG_FSYNC:-on}" \
        start >/dev/null || { tail -20 "$logfile" >&2; die "could not start PostgreSQL in $datadir"; }
    "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U refundbot -d postgres -qtAc \
        "SELECT 1 FROM pg_database WHERE datname = 'refundbot'" | grep -q 1 ||
        "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U refundbot refundbot
    echo "$port"
    ;;
stop)
    if [ -s "$datadir/PG_VERSION" ] && as_owner "$PG_BIN/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
        as_owner "$PG_BIN/pg_ctl" -D "$datadir" -m fast -w -t 60 stop >/dev/null
    fi
    ;;
status)
    as_owner "$PG_BIN/pg_ctl" -D "$datadir" status >/dev/null 2>&1
    ;;
*)
    die "unknown command '$cmd'"
    ;;
esac
