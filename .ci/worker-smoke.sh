#!/usr/bin/env bash
# The production shape with processes as a user runs them: the built API and a
# separate worker process on PostgreSQL and Redis. A document uploaded to the
# API is read by the worker; a document uploaded while the worker is down is
# read once it is back (queued jobs survive in Redis).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/apps/api/src/main.js ] || npm run -s build

PG=postgresql://postgres@127.0.0.1:5432
DB="foyergpt_smoke_$$"
WORK=$(mktemp -d)
PORT=18062
API=""
WORKER=""
export DATABASE_URL="$PG/$DB" REDIS_URL=redis://127.0.0.1:6379 REDIS_KEY_PREFIX="foyergpt-smoke-$$:"
export JWT_SECRET_KEY=smoke-secret-smoke-secret-0123456789 DATA_DIR="$WORK/data" UPLOAD_DIR="$WORK/uploads"
export PORT LOG_LEVEL=warn OCR_WORKERS=1

cleanup() {
  [ -n "$API" ] && kill "$API" 2>/dev/null || true
  [ -n "$WORKER" ] && kill "$WORKER" 2>/dev/null || true
  wait 2>/dev/null || true
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  redis-cli --scan --pattern "$REDIS_KEY_PREFIX*" | xargs -r redis-cli del >/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
psql "$PG/postgres" -qc "CREATE DATABASE \"$DB\""

json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(eval("v."+process.argv[1]))})' "$1"; }
api() { curl -fsS -H "Authorization: Bearer $TOKEN" "$@"; }

node dist/apps/api/src/main.js >>"$WORK/api.log" 2>&1 & API=$!
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$PORT/api/health/ready" >/dev/null && break; sleep 1; done
curl -fs "http://127.0.0.1:$PORT/api/health/ready" | grep -q '"redis":"up"' || { cat "$WORK/api.log"; exit 1; }
start_worker() { node dist/apps/worker/src/main.js >>"$WORK/worker.log" 2>&1 & WORKER=$!; sleep 3; }
start_worker

BASE="http://127.0.0.1:$PORT/api"
curl -fsS "$BASE/auth/register" -H 'Content-Type: application/json' -d '{"email":"smoke@example.org","trigramme":"SMK","password":"smoke-password"}' >/dev/null
TOKEN=$(curl -fsS "$BASE/auth/login" -H 'Content-Type: application/json' -d '{"trigramme":"SMK","password":"smoke-password"}' | json access_token)
AGENT=$(api "$BASE/agents" -H 'Content-Type: application/json' -d '{"name":"Smoke"}' | json id)
CHAT=$(api "$BASE/chats" -H 'Content-Type: application/json' -d "{\"agent_id\": $AGENT, \"title\": \"Smoke\"}" | json id)

upload() {
  printf '%s' "$1" >"$WORK/$2"
  api "$BASE/documents/upload" -F entity_type=chat -F "entity_id=$CHAT" -F "file=@$WORK/$2" | json id
}
wait_ready() {
  for _ in $(seq 1 60); do
    status=$(api "$BASE/documents?entity_type=chat&entity_id=$CHAT" | json "items.find(d => d.id === $1).status")
    [ "$status" = ready ] && return 0
    [ "$status" = failed ] && { echo "document $1 failed"; return 1; }
    sleep 1
  done
  echo "document $1 stuck: $status"; cat "$WORK/worker.log"; return 1
}

FIRST=$(upload 'Le rapport annuel du worker' first.txt)
wait_ready "$FIRST"
api "$BASE/documents/$FIRST/text" | grep -q 'rapport annuel du worker'

# Worker down: the job waits in Redis; back up: it is done.
kill "$WORKER"; wait "$WORKER" 2>/dev/null || true; WORKER=""
SECOND=$(upload 'Queued while the worker was down' second.txt)
sleep 2
[ "$(api "$BASE/documents?entity_type=chat&entity_id=$CHAT" | json "items.find(d => d.id === $SECOND).status")" = pending ]
start_worker
wait_ready "$SECOND"
echo "worker smoke: ok"
