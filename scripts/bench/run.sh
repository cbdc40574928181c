#!/usr/bin/env bash
# `make bench` (issue #17): seed two PostgreSQL databases (reused unless BENCH_RESEED=1), count queries per page at
# both factors, start the portal under gunicorn with production settings, drive it from a second process on loopback
# and write docs/benchmarks.md. Variables (all optional):
#   BENCH_FACTOR=1  BENCH_SMALL_FACTOR=0.1  BENCH_RESEED=0  BENCH_DB=portal_bench  BENCH_SMALL_DB=portal_bench_small
#   BENCH_PG=postgres://postgres@127.0.0.1:5432  BENCH_REDIS=redis://127.0.0.1:6379/8  BENCH_PORT=8765
#   BENCH_CONCURRENCY=2  BENCH_REQUESTS=30  BENCH_ONLY=<page keys>  BENCH_OUT=docs/benchmarks.md
set -euo pipefail
cd "$(dirname "$0")/../.."

FACTOR=${BENCH_FACTOR:-1}
SMALL=${BENCH_SMALL_FACTOR:-0.1}
RESEED=${BENCH_RESEED:-0}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DB=${BENCH_DB:-portal_bench}
SMALL_DB=${BENCH_SMALL_DB:-portal_bench_small}
REDIS=${BENCH_REDIS:-redis://127.0.0.1:6379/8}
PORT=${BENCH_PORT:-8765}
CONCURRENCY=${BENCH_CONCURRENCY:-2}
REQUESTS=${BENCH_REQUESTS:-30}
ONLY=${BENCH_ONLY:-}
OUT=${BENCH_OUT:-docs/benchmarks.md}
VAR=var/bench
PY=.venv/bin/python

for name in "$DB" "$SMALL_DB"; do
  case "$name" in *bench*) ;; *) echo "BENCH_DB / BENCH_SMALL_DB must name a bench database (got $name)" >&2; exit 2;; esac
done
mkdir -p "$VAR/private" "$VAR/media" "$VAR/static"

# One crypto key for every step: the SM4-encrypted phone numbers written by the seeder must decrypt under gunicorn.
export PORTAL_CRYPTO_KEY=bench-crypto-key-not-a-secret-0123456789abcdef
export DEBUG=false CACHE_URL="$REDIS" CELERY_BROKER_URL="$REDIS" CELERY_RESULT_BACKEND=
export FILE_UPLOAD_TEMP_DIR="$PWD/$VAR/upload-tmp" PRIVATE_STORAGE_ROOT="$PWD/$VAR/private" MEDIA_ROOT="$PWD/$VAR/media" STATIC_ROOT="$PWD/$VAR/static"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

createdb_if_missing() {
  $PY - "$PG" "$1" <<'PYEOF'
import sys, psycopg2
url, name = sys.argv[1], sys.argv[2]
conn = psycopg2.connect(url + "/postgres")
conn.autocommit = True
cur = conn.cursor()
cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
if cur.fetchone() is None:
    cur.execute(f'CREATE DATABASE "{name}"')
    print(f"created database {name}")
PYEOF
}

dev() { DJANGO_SETTINGS_MODULE=portal.settings.dev DATABASE_URL="$PG/$1" "${@:2}"; }

seed() {  # database factor
  createdb_if_missing "$1"
  dev "$1" $PY manage.py migrate --noinput -v0
  local reset=""
  [ "$RESEED" = "1" ] && reset="--reset"
  local started=$SECONDS
  dev "$1" $PY manage.py seed_scale --factor "$2" $reset
  echo "seed $1 (factor $2): $((SECONDS - started)) s"
}

# Each database gets a cache of its own, emptied first: cached results are keyed by ids and data versions, which
# two databases (and a re-seeded one) share, so a shared cache would serve one database's ranking for the other.
SMALL_REDIS=$($PY -c "import re,sys; m=re.match(r'(.*)/(\d+)$', sys.argv[1]); print(f'{m[1]}/{(int(m[2]) + 1) % 16}' if m else sys.argv[1])" "$REDIS")
$PY - "$REDIS" "$SMALL_REDIS" <<'PYEOF'
import sys, redis
for url in sys.argv[1:]:
    redis.Redis.from_url(url).flushdb()
PYEOF

# One heavy process at a time: seeding, measuring, serving and reporting run one after the other.
seed "$SMALL_DB" "$SMALL"
seed "$DB" "$FACTOR"
CACHE_URL="$SMALL_REDIS" dev "$SMALL_DB" $PY manage.py bench measure --out "$VAR/small.json" --skip pdf ${ONLY:+--only "$ONLY"}
dev "$DB" $PY manage.py bench measure --out "$VAR/large.json" ${ONLY:+--only "$ONLY"}

# Production settings: DEBUG off, a throwaway secret key, loopback host, no SSL redirect (TLS ends at the proxy,
# whose X-Forwarded-Proto the load generator sends); static files collected for the manifest storage.
prod() {
  DJANGO_SETTINGS_MODULE=portal.settings.production DATABASE_URL="$PG/$DB" ALLOWED_HOSTS=127.0.0.1,localhost \
    SECRET_KEY="$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')" SECURE_SSL_REDIRECT=false "$@"
}
prod $PY manage.py collectstatic --noinput -v0
if $PY -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $PORT)) != 0)"; then
  echo "port $PORT is in use: stop what listens there or set BENCH_PORT" >&2
  exit 2
fi
# exec: $! is gunicorn's master itself, so the trap stops it (and its workers) and the RSS is read from its children.
(
  export DJANGO_SETTINGS_MODULE=portal.settings.production DATABASE_URL="$PG/$DB" ALLOWED_HOSTS=127.0.0.1,localhost \
    SECRET_KEY="$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')" SECURE_SSL_REDIRECT=false
  exec .venv/bin/gunicorn portal.wsgi --workers 2 --bind "127.0.0.1:$PORT" --timeout 120 \
    --error-logfile "$VAR/gunicorn.log" --log-level warning
) &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null || true; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _i in $(seq 60); do
  if $PY -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=5)" 2>/dev/null; then
    break
  fi
  sleep 1
done
$PY -m scripts.bench.loadgen --plan "$VAR/large.json" --base "http://127.0.0.1:$PORT" --out "$VAR/load.json" \
  --concurrency "$CONCURRENCY" --requests "$REQUESTS" --gunicorn-pid "$GUNICORN" ${ONLY:+--only "$ONLY"}
kill "$GUNICORN" 2>/dev/null || true
wait "$GUNICORN" 2>/dev/null || true
trap - EXIT

dev "$DB" $PY manage.py bench report --large "$VAR/large.json" --small "$VAR/small.json" --load "$VAR/load.json" \
  --out "$OUT"
