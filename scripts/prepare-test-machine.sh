#!/usr/bin/env bash
# Runs before `npm test` (the `pretest` script): brings what the integration tests need onto this
# machine when it lacks it — Debian's chromium, docker-registry and kubectl, a running MariaDB and a
# NATS server with JetStream — and says what is still missing when it cannot (not root, no apt).
# Set KDA_TEST_SKIP_PREPARE=1 to skip it (e.g. when TEST_DATABASE_URL/TEST_NATS_URL point elsewhere).
set -uo pipefail

[ "${KDA_TEST_SKIP_PREPARE:-}" = 1 ] && exit 0

say() { printf 'prepare-test-machine: %s\n' "$*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

wait_port() {
  for _ in $(seq 1 60); do
    port_open "$2" && return 0
    sleep 1
  done
  say "$1 did not come up on port $2"
  return 1
}

missing=()
[ -x /usr/sbin/mariadbd ] || command -v mariadbd >/dev/null 2>&1 || missing+=(mariadb-server)
[ -x /usr/sbin/nats-server ] || command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
[ -x /usr/bin/docker-registry ] || missing+=(docker-registry)

if [ "${#missing[@]}" -gt 0 ]; then
  if can_install; then
    say "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || say "could not install ${missing[*]}"
  else
    say "missing Debian packages: ${missing[*]} — install them with: sudo apt-get install -y ${missing[*]}"
  fi
fi

# Only the default local services are started here; tests pointed elsewhere bring their own.
if [ -z "${TEST_DATABASE_URL:-}" ] && ! port_open 3306 && [ -x /usr/sbin/mariadbd ]; then
  say "starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd && wait_port MariaDB 3306
fi
if [ -z "${TEST_NATS_URL:-}" ] && ! port_open 4222 && [ -x /usr/sbin/nats-server ]; then
  say "starting NATS with JetStream"
  mkdir -p /var/lib/nats-server
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server && wait_port NATS 4222
fi
if port_open 3306 && command -v mariadb >/dev/null 2>&1; then
  mariadb -uroot -e 'CREATE DATABASE IF NOT EXISTS test' >/dev/null 2>&1
fi
# Whatever is still missing is named, with the command that starts it, by the tests' global setup.
exit 0
