#!/usr/bin/env bash
# Brings up Oracle MySQL 9.7 on 127.0.0.1:3307 (root, no password) for the integration tests, when nothing
# answers there. Debian 12 has no MySQL server, but Debian sid has mysql-server-core: this lays a minimal sid
# system into a cache directory outside the repository with debootstrap, installs MySQL into it and starts
# mysqld inside that chroot, detached so that it outlives this script. The chroot is reused when present.
#
# Skip it with SAFE_INDEX_SKIP_MYSQL=1 (the mysql97 tests then skip with a printed reason).
# Cache directory: SAFE_INDEX_MYSQL_CHROOT (default /var/tmp/sid-mysql); log: $CHROOT.log.
# Exits non-zero when MySQL could not be brought up; scripts/ensure-databases.sh reports that and goes on.
set -euo pipefail

HOST=127.0.0.1 PORT=${SAFE_INDEX_MYSQL_PORT:-3307}
CHROOT=${SAFE_INDEX_MYSQL_CHROOT:-/var/tmp/sid-mysql}
MIRROR=${SAFE_INDEX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DATADIR=/var/lib/mysql-si   # inside the chroot
say() { echo "ensure-mysql: $*" >&2; }

if [ "${SAFE_INDEX_SKIP_MYSQL:-}" = 1 ]; then say "SAFE_INDEX_SKIP_MYSQL=1: not provisioning MySQL"; exit 0; fi
[ "$(id -u)" -eq 0 ] || { say "needs root (debootstrap, chroot); MySQL tests will be skipped"; exit 1; }

up() {
  if [ -x "$CHROOT/usr/bin/mysql" ]; then
    chroot "$CHROOT" mysql -h "$HOST" -P "$PORT" -u root --connect-timeout=3 -e 'select 1' >/dev/null 2>&1
  else
    (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null
  fi
}
up && exit 0

# one provisioner at a time (the replica script may lay its own chroot beside this one)
exec 9>"$CHROOT.lock"
flock -w 900 9 || { say "another provisioner holds $CHROOT.lock"; exit 1; }
up && exit 0

if [ ! -x "$CHROOT/usr/sbin/mysqld" ]; then
  command -v debootstrap >/dev/null || {
    say "installing debootstrap"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  }
  # build in a scratch directory and move it into place only when complete, so an interrupted run is redone
  tmp="$CHROOT.partial"
  rm -rf "$tmp"
  say "laying a minimal Debian sid into $CHROOT (about a minute)"
  debootstrap --variant=minbase sid "$tmp" "$MIRROR" >"$CHROOT.debootstrap.log" 2>&1 \
    || { say "debootstrap failed; see $CHROOT.debootstrap.log"; exit 1; }
  say "installing mysql-server-core inside it"
  # the snapshot's Release file may be past its Valid-Until date
  { chroot "$tmp" apt-get -o Acquire::Check-Valid-Until=false update -qq \
    && chroot "$tmp" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      mysql-server-core mysql-client-core; } >>"$CHROOT.debootstrap.log" 2>&1 \
    || { say "installing MySQL in the chroot failed; see $CHROOT.debootstrap.log"; exit 1; }
  chroot "$tmp" apt-get clean
  rm -rf "$CHROOT"
  mv "$tmp" "$CHROOT"
fi

if [ ! -d "$CHROOT$DATADIR/mysql" ]; then
  say "initialising $DATADIR"
  chroot "$CHROOT" sh -c "getent passwd mysql >/dev/null || useradd --system --no-create-home mysql"
  rm -rf "${CHROOT:?}$DATADIR"
  chroot "$CHROOT" mysqld --no-defaults --initialize-insecure --user=mysql --datadir="$DATADIR" \
    >"$CHROOT.init.log" 2>&1 || { say "mysqld --initialize-insecure failed; see $CHROOT.init.log"; exit 1; }
fi

say "starting MySQL $(chroot "$CHROOT" mysqld --version | grep -o '[0-9][0-9.]*' | head -1) on $HOST:$PORT"
mkdir -p "$CHROOT/run/mysqld" && chroot "$CHROOT" chown mysql:mysql /run/mysqld
# events_stages_current: ALTER progress (off by default); log-bin-trust-function-creators: binary logging is
# on by default in MySQL 8+, and the Sakila fixture creates functions without DETERMINISTIC.
# setsid + nohup: out of this script's process group and session, so it outlives the caller (9>&-: without
# the provisioning lock, which a server holding it would keep taken for ever). The log is
# written by this (root) shell, outside the chroot, so the chroot's mysql user need not own it.
setsid nohup chroot "$CHROOT" /usr/sbin/mysqld --no-defaults --user=mysql --datadir="$DATADIR" \
  --port="$PORT" --bind-address="$HOST" --socket=/run/mysqld/mysqld-si.sock --secure-file-priv= \
  --mysqlx=OFF --performance-schema=ON --performance-schema-consumer-events-stages-current=ON \
  --log-bin-trust-function-creators=ON --max-connections=300 \
  </dev/null >>"$CHROOT.log" 2>&1 9>&- &

for _ in $(seq 1 60); do up && break; sleep 1; done
up || { say "MySQL did not come up on $HOST:$PORT; see $CHROOT.log"; exit 1; }
# root@localhost accepts TCP from 127.0.0.1 without a password; name 127.0.0.1 too, in case the host is not resolved
chroot "$CHROOT" mysql -S /run/mysqld/mysqld-si.sock -u root -e \
  "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" \
  || say "could not add root@127.0.0.1 (root@localhost still works)"
exit 0
