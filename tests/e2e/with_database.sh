#!/bin/sh
# ctest's e2e.postgresql: the records tests and the state database tests on the PostgreSQL
# backend, against the server in $RUNBOOK_TEST_PG_URL (scripts/test.sh and .ci/run start one
# with scripts/pg-test-server.sh). Skipped (exit 77) when there is none.
if [ -z "${RUNBOOK_TEST_PG_URL:-}" ]; then
  echo "skipped: RUNBOOK_TEST_PG_URL is not set (start a server: scripts/pg-test-server.sh start)"
  exit 77
fi
if ! command -v psql >/dev/null; then
  echo "skipped: psql is not installed (Debian: apt-get install postgresql-client)"
  exit 77
fi
RUNBOOK_TEST_BACKEND=postgresql exec "$@"
