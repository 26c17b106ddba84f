#!/usr/bin/env bash
# Make the PostgreSQL test database of the URL reachable: create its role (with the
# URL's password, so it works under Debian's default scram/peer authentication as
# well as under trust) and the database it owns, when they do not exist yet.
set -euo pipefail
url="$1"                                   # postgres://user:password@host:port/name
name="${url##*/}"
base="${url%/*}/postgres"
authority="${url#*://}"; authority="${authority%%@*}"
user="${authority%%:*}"
password="${authority#*:}"; [ "$password" = "$authority" ] && password=""
hostport="${url#*@}"; hostport="${hostport%%/*}"
host="${hostport%%:*}"; port="${hostport#*:}"; [ "$port" = "$hostport" ] && port=5432

as_admin() {  # psql as the cluster's administrator: trust over TCP, else peer on the socket
  if psql -h "$host" -p "$port" -U postgres -d postgres -tAc "SELECT 1" >/dev/null 2>&1; then
    psql -h "$host" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qc "$1"
  elif [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
    runuser -u postgres -- psql -p "$port" -d postgres -v ON_ERROR_STOP=1 -qc "$1"
  else
    echo "Cannot reach PostgreSQL as its administrator to create the role '$user'." >&2
    echo "Run once: sudo -u postgres psql -c \"CREATE ROLE $user LOGIN CREATEDB PASSWORD '$password'\"" >&2
    exit 1
  fi
}

if ! psql "$base" -tAc "SELECT 1" >/dev/null 2>&1; then
  echo "Creating the PostgreSQL test role '$user'..."
  as_admin "DO \$\$ BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = '$user') THEN
      ALTER ROLE \"$user\" LOGIN CREATEDB PASSWORD '$password';
    ELSE
      CREATE ROLE \"$user\" LOGIN CREATEDB PASSWORD '$password';
    END IF; END \$\$"
fi
# The test run creates one database per test process (<name>_gw0, <name>_gw1: tests/conftest.py).
if [ "$(psql "$base" -tAc "SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user")" != t ]; then
  echo "Letting the PostgreSQL test role '$user' create databases..."
  as_admin "ALTER ROLE \"$user\" CREATEDB"
fi
if ! psql "$base" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
  psql "$base" -qc "CREATE DATABASE \"$name\""
fi
