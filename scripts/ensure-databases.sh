#!/usr/bin/env bash
# Finds PostgreSQL on 127.0.0.1:5432 and MariaDB on 127.0.0.1:3306 for the tests.
# Where one is missing it installs it with apt-get and starts it. Idempotent; quiet when all is there.
# Also installs HypoPG for `plan --what-if` tests where apt can provide it, and starts the replication pairs
# of scripts/ensure-replicas.sh (MariaDB primary/replica, PostgreSQL primary/standby on other ports).
set -euo pipefail

PG_HOST=127.0.0.1 PG_PORT=5432 MY_HOST=127.0.0.1 MY_PORT=3306
say() { echo "ensure-databases: $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else say "need root for: $*"; return 1; fi; }

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null || { say "apt-get not available; install $* by hand"; return 1; }
  if [ "$apt_updated" -eq 0 ]; then as_root apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

pg_up() { psql "host=$PG_HOST port=$PG_PORT user=postgres dbname=postgres connect_timeout=3" -Atqc 'select 1' >/dev/null 2>&1; }
my_up() { mariadb -h "$MY_HOST" -P "$MY_PORT" -u root --connect-timeout=3 -e 'select 1' >/dev/null 2>&1 \
  || mysql -h "$MY_HOST" -P "$MY_PORT" -u root --connect-timeout=3 -e 'select 1' >/dev/null 2>&1; }
wait_for() { for _ in $(seq 1 60); do "$1" && return 0; sleep 1; done; return 1; }

# ---------- PostgreSQL ----------
if ! pg_up; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    say "installing PostgreSQL"
    apt_install postgresql postgresql-client
  fi
  ver=$(ls /etc/postgresql | sort -n | tail -1)
  hba=/etc/postgresql/$ver/main/pg_hba.conf
  # tests connect as postgres over TCP on loopback without a password
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  say "starting PostgreSQL $ver"
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main reload || true
  wait_for pg_up || { say "PostgreSQL did not come up on $PG_HOST:$PG_PORT"; exit 1; }
fi

# HypoPG (optional: `plan --what-if` tests are skipped with a reason without it)
if ! psql "host=$PG_HOST port=$PG_PORT user=postgres dbname=postgres" -Atqc "select 1 from pg_available_extensions where name='hypopg'" 2>/dev/null | grep -q 1; then
  major=$(psql "host=$PG_HOST port=$PG_PORT user=postgres dbname=postgres" -Atqc 'show server_version_num' | cut -c1-2)
  apt_install "postgresql-$major-hypopg" 2>/dev/null || say "HypoPG not installable here; what-if tests will be skipped"
fi

# HypoPG 1.4+ has hypopg_hide_index (the what-if of a drop): build the vendored 1.4.0 where apt's is older
hypo=$(psql "host=$PG_HOST port=$PG_PORT user=postgres dbname=postgres" -Atqc "select default_version from pg_available_extensions where name='hypopg'" 2>/dev/null || true)
if [ -n "$hypo" ] && ! echo "$hypo" | awk -F. '{exit !($1 > 1 || ($1 == 1 && $2 >= 4))}'; then
  major=$(psql "host=$PG_HOST port=$PG_PORT user=postgres dbname=postgres" -Atqc 'show server_version_num' | cut -c1-2)
  pg_config=/usr/lib/postgresql/$major/bin/pg_config
  { command -v make >/dev/null && command -v gcc >/dev/null; } || apt_install make gcc || true
  [ -f "$("$pg_config" --includedir-server 2>/dev/null)/postgres.h" ] || apt_install "postgresql-server-dev-$major" || true
  as_root bash "$(dirname "$0")/../vendor/hypopg/build.sh" "$pg_config" >&2 \
    || say "HypoPG 1.4 could not be built; the drop what-if tests will be skipped"
fi

# ---------- MariaDB / MySQL ----------
if ! my_up; then
  if [ ! -x /usr/sbin/mariadbd ] && [ ! -x /usr/sbin/mysqld ]; then
    say "installing MariaDB"
    apt_install mariadb-server mariadb-client
  fi
  say "starting MariaDB"
  as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
  daemon=/usr/sbin/mariadbd; [ -x "$daemon" ] || daemon=/usr/sbin/mysqld
  as_root start-stop-daemon --start --oknodo --background --exec "$daemon" -- --user=mysql
  wait_for my_up || {
    # a fresh Debian install lets root in only through the unix socket: allow an empty password on TCP
    as_root mariadb -u root -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket; FLUSH PRIVILEGES;" 2>/dev/null || true
    wait_for my_up
  } || { say "MariaDB did not come up on $MY_HOST:$MY_PORT"; exit 1; }
fi

# ---------- MySQL 9.7 (optional: its tests skip with a reason when it is not there) ----------
bash "$(dirname "$0")/ensure-mysql.sh" || say "MySQL 9.7 not available on 127.0.0.1:3307; the mysql97 tests will be skipped"

# ---------- replication pairs (MariaDB 3316/3317, PostgreSQL 5442/5443) for the replica tests ----------
bash "$(dirname "$0")/ensure-replicas.sh" || say "replication pairs not (all) available; see above (the replica tests fail, or skip when a server binary is missing)"

# client tools used by the schema-dump round-trip tests
command -v pg_dump >/dev/null || apt_install postgresql-client
command -v mysqldump >/dev/null || command -v mariadb-dump >/dev/null || apt_install mariadb-client
exit 0
