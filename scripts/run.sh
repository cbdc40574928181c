#!/usr/bin/env bash
# Serve the portal with a Celery worker and beat beside it; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST="${1:-127.0.0.1}"
PORT="${2:-8000}"
mkdir -p var/celery/queue var/celery/processed var/log
.venv/bin/celery -A portal worker --beat --loglevel=INFO --concurrency=2 \
  --schedule var/celery/beat-schedule >var/log/celery.log 2>&1 &
CELERY_PID=$!
trap 'kill $CELERY_PID 2>/dev/null || true' EXIT INT TERM
echo
echo "门户已启动：http://${HOST}:${PORT}/   （演示账号见上表；Celery 日志：var/log/celery.log；Ctrl-C 退出）"
echo
.venv/bin/python manage.py runserver "${HOST}:${PORT}"
