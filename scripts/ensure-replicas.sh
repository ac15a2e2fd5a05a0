#!/usr/bin/env bash
# Brings up the replication pairs the replica tests drive, unless they already run:
#   - MariaDB primary on 127.0.0.1:3316 (binary log on, server_id 1) and its replica on 127.0.0.1:3317
#     (server_id 2, GTID replication from the primary); root without a password on both.
#   - PostgreSQL primary on 127.0.0.1:5442 and a streaming standby on 127.0.0.1:5443 (pg_basebackup -R,
#     cluster_name si_standby); user postgres, trust on loopback.
# Data lives in a scratch directory (SAFE_INDEX_REPL_DIR, default /var/tmp/si-repl), never in the servers
# on 5432/3306/3307, which are left alone. Idempotent and quick when both pairs answer: it only restarts
# replication a crashed test left stopped (SQL/IO thread stopped, WAL replay paused). A pair whose
# replication is broken (an error on the replica) is rebuilt from scratch.
#
# Ports: SAFE_INDEX_REPL_MY_PRIMARY_PORT, SAFE_INDEX_REPL_MY_REPLICA_PORT, SAFE_INDEX_REPL_PG_PRIMARY_PORT,
# SAFE_INDEX_REPL_PG_STANDBY_PORT (test/support/replicas.ts reads the same variables).
# Skip with SAFE_INDEX_SKIP_REPLICAS=1. Exits non-zero when a pair could not be brought up; the
# caller (scripts/ensure-databases.sh) reports it and goes on, and the replica tests skip with a reason.
set -uo pipefail

DIR=${SAFE_INDEX_REPL_DIR:-/var/tmp/si-repl}
HOST=127.0.0.1
MY_P=${SAFE_INDEX_REPL_MY_PRIMARY_PORT:-3316} MY_R=${SAFE_INDEX_REPL_MY_REPLICA_PORT:-3317}
PG_P=${SAFE_INDEX_REPL_PG_PRIMARY_PORT:-5442} PG_S=${SAFE_INDEX_REPL_PG_STANDBY_PORT:-5443}
say() { echo "ensure-replicas: $*" >&2; }

if [ "${SAFE_INDEX_SKIP_REPLICAS:-}" = 1 ]; then say "SAFE_INDEX_SKIP_REPLICAS=1: not provisioning replication pairs"; exit 0; fi
[ "$(id -u)" -eq 0 ] || { say "needs root (servers run as the mysql and postgres users); replica tests will be skipped"; exit 1; }
for port in "$MY_P" "$MY_R" "$PG_P" "$PG_S"; do
  case "$port" in 5432|3306|3307) say "refusing port $port: it belongs to the main test servers"; exit 1 ;; esac
done
mkdir -p "$DIR"
chmod 755 "$DIR"
# one provisioner at a time (parallel `npm test` runs)
exec 9>"$DIR/.lock"
flock -w 300 9 || { say "another provisioner holds $DIR/.lock"; exit 1; }

MYDIR=$DIR/mariadb PGDIR=$DIR/pg
status=0

# ---------------------------------------------------------------- MariaDB pair
MYCLI=$(command -v mariadb || command -v mysql || true)
MYD=$(command -v mariadbd || { [ -x /usr/sbin/mariadbd ] && echo /usr/sbin/mariadbd; } || true)
MYINSTALL=$(command -v mariadb-install-db || command -v mysql_install_db || true)
my() { local port=$1; shift; "$MYCLI" -h "$HOST" -P "$port" -u root --connect-timeout=3 -N -B "$@"; }
my_up() { my "$1" -e 'select 1' >/dev/null 2>&1; }
# field of SHOW SLAVE STATUS on the replica (empty when none)
slave_field() { "$MYCLI" -h "$HOST" -P "$MY_R" -u root --connect-timeout=3 -e 'SHOW SLAVE STATUS\G' 2>/dev/null | sed -n "s/^ *$1: //p" | head -1; }

my_start() { # name port server_id
  local name=$1 port=$2 id=$3 data="$MYDIR/$1"
  if [ ! -d "$data/mysql" ]; then
    rm -rf "$data" && mkdir -p "$data" && chown mysql:mysql "$data"
    "$MYINSTALL" --no-defaults --user=mysql --datadir="$data" --auth-root-authentication-method=normal \
      --skip-test-db >"$MYDIR/$name.init.log" 2>&1 \
      || { say "mariadb-install-db for the $name failed; see $MYDIR/$name.init.log"; return 1; }
  fi
  # setsid + nohup: out of this script's session, so the server outlives the caller
  setsid nohup "$MYD" --no-defaults --user=mysql --datadir="$data" --port="$port" --bind-address="$HOST" \
    --socket="$MYDIR/$name.sock" --pid-file="$MYDIR/$name.pid" --server-id="$id" \
    --log-bin=mysql-bin --binlog-format=ROW --log-slave-updates=OFF --skip-name-resolve \
    --innodb-buffer-pool-size=128M --innodb-log-file-size=64M --max-connections=200 \
    --log-error="$MYDIR/$name.err" </dev/null >/dev/null 2>&1 9>&- &
  for _ in $(seq 1 60); do my_up "$port" && break; sleep 0.5; done
  my_up "$port" || { say "MariaDB $name did not come up on $HOST:$port; see $MYDIR/$name.err"; return 1; }
  # root over TCP from 127.0.0.1 (skip-name-resolve: 'localhost' does not match a TCP client)
  "$MYCLI" -S "$MYDIR/$name.sock" -u root -e "SET sql_log_bin=0; CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
    GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" 2>/dev/null || true
}

my_stop() { # name
  local pid
  pid=$(cat "$MYDIR/$1.pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
}

my_replicate() {
  my "$MY_P" -e "SET sql_log_bin=0; CREATE USER IF NOT EXISTS 'si_repl'@'127.0.0.1' IDENTIFIED BY 'si_repl';
    GRANT REPLICATION SLAVE ON *.* TO 'si_repl'@'127.0.0.1';" || return 1
  my "$MY_R" -e "STOP SLAVE; CHANGE MASTER TO MASTER_HOST='$HOST', MASTER_PORT=$MY_P, MASTER_USER='si_repl',
    MASTER_PASSWORD='si_repl', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE;" || return 1
}

my_ensure() {
  if [ -z "$MYCLI" ] || [ -z "$MYD" ] || [ -z "$MYINSTALL" ]; then
    say "MariaDB server binaries not found (mariadbd, mariadb-install-db); the MariaDB replica tests will be skipped"
    return 1
  fi
  mkdir -p "$MYDIR" && chown mysql:mysql "$MYDIR"
  local rebuilt=0
  for attempt in 1 2; do
    my_up "$MY_P" || my_start primary "$MY_P" 1 || return 1
    my_up "$MY_R" || my_start replica "$MY_R" 2 || return 1
    [ -n "$(slave_field Master_Host)" ] || my_replicate || return 1
    # an SQL error does not heal by itself (the replica diverged): rebuild; IO errors are retried by the server
    errno=$(slave_field Last_SQL_Errno)
    if [ "${errno:-0}" != 0 ]; then
      [ "$rebuilt" -eq 1 ] && { say "MariaDB replication still broken after a rebuild: $(slave_field Last_SQL_Error)"; return 1; }
      say "MariaDB replication broken ($(slave_field Last_SQL_Error)); rebuilding the pair"
      my_stop replica; my_stop primary
      rm -rf "$MYDIR/primary" "$MYDIR/replica"
      rebuilt=1
      continue
    fi
    # a test that stopped a thread and died before starting it again
    if [ "$(slave_field Slave_SQL_Running)" != Yes ] || [ "$(slave_field Slave_IO_Running)" != Yes ]; then
      my "$MY_R" -e 'START SLAVE' || return 1
    fi
    break
  done
  for _ in $(seq 1 30); do
    [ "$(slave_field Slave_IO_Running)" = Yes ] && [ "$(slave_field Slave_SQL_Running)" = Yes ] && return 0
    sleep 0.5
  done
  say "MariaDB replica on $HOST:$MY_R is not replicating: IO $(slave_field Slave_IO_Running), SQL $(slave_field Slave_SQL_Running) $(slave_field Last_IO_Error) $(slave_field Last_SQL_Error)"
  return 1
}

# ---------------------------------------------------------------- PostgreSQL pair
PGBIN=${SAFE_INDEX_REPL_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | grep -E '/1[5-9]/|/[2-9][0-9]/' | head -1)}
as_pg() { runuser -u postgres -- "$@"; }
pg_q() { "$PGBIN/psql" "host=$HOST port=$1 user=postgres dbname=postgres connect_timeout=3" -Atqc "$2"; }
pg_up() { pg_q "$1" 'select 1' >/dev/null 2>&1; }

pg_start() { # dir port
  as_pg setsid -w "$PGBIN/pg_ctl" -D "$1" -l "$1.log" -w -t 60 -o "-p $2" start >/dev/null 9>&- \
    || { say "PostgreSQL in $1 did not start; see $1.log"; return 1; }
}

pg_ensure() {
  if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/pg_basebackup" ]; then
    say "PostgreSQL server binaries (initdb, pg_basebackup) not found; the PostgreSQL standby tests will be skipped"
    return 1
  fi
  local primary="$PGDIR/primary" standby="$PGDIR/standby"
  mkdir -p "$PGDIR" && chown postgres:postgres "$PGDIR"
  if ! pg_up "$PG_P"; then
    if [ ! -f "$primary/PG_VERSION" ]; then
      rm -rf "$primary" "$standby"
      mkdir -p "$primary" && chown postgres:postgres "$primary" && chmod 700 "$primary"
      as_pg "$PGBIN/initdb" -D "$primary" -U postgres --auth=trust -E UTF8 2>&1 | as_pg tee "$primary.init.log" >/dev/null \
        || { say "initdb failed; see $primary.init.log"; return 1; }
      cat >>"$primary/postgresql.conf" <<EOF
listen_addresses = '$HOST'
unix_socket_directories = '$PGDIR'
wal_level = replica
max_wal_senders = 10
wal_keep_size = '512MB'
shared_buffers = '64MB'
max_connections = 100
fsync = off
EOF
    fi
    pg_start "$primary" "$PG_P" || return 1
  fi
  if [ ! -f "$standby/standby.signal" ]; then
    rm -rf "$standby"
    as_pg "$PGBIN/pg_basebackup" -h "$HOST" -p "$PG_P" -U postgres -D "$standby" -R -X stream -c fast \
      2>&1 | as_pg tee "$standby.init.log" >/dev/null || { say "pg_basebackup failed; see $standby.init.log"; return 1; }
    echo "cluster_name = 'si_standby'" | as_pg tee -a "$standby/postgresql.conf" >/dev/null
  fi
  pg_up "$PG_S" || pg_start "$standby" "$PG_S" || return 1
  # a test that paused replay and died before resuming it
  if [ "$(pg_q "$PG_S" 'select pg_is_wal_replay_paused()')" = t ]; then pg_q "$PG_S" 'select pg_wal_replay_resume()' >/dev/null; fi
  for _ in $(seq 1 30); do
    [ "$(pg_q "$PG_P" "select count(*) from pg_stat_replication where state = 'streaming'")" -ge 1 ] 2>/dev/null && return 0
    sleep 0.5
  done
  say "PostgreSQL standby on $HOST:$PG_S is not streaming from $HOST:$PG_P; see $standby.log"
  return 1
}

my_ensure || { say "MariaDB replication pair not available on $HOST:$MY_P/$MY_R"; status=1; }
pg_ensure || { say "PostgreSQL streaming pair not available on $HOST:$PG_P/$PG_S"; status=1; }
exit "$status"
