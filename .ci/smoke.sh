#!/usr/bin/env bash
# Boots the built API on its embedded defaults as a user would, checks health,
# docs and persistence across a restart, and that a bad setting stops the boot.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s build
WORK=$(mktemp -d)
PORT=18061
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

start() {
  env -u DATABASE_URL -u REDIS_URL DATA_DIR="$WORK/data" UPLOAD_DIR="$WORK/uploads" PORT=$PORT LOG_LEVEL=warn \
    node dist/apps/api/src/main.js >>"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$PORT/api/health" >/dev/null && return 0; sleep 1; done
  cat "$WORK/server.log"; return 1
}
stop() { kill -TERM "$SERVER"; wait "$SERVER" || true; SERVER=""; }

start
curl -fs "http://127.0.0.1:$PORT/api/health/ready" | grep -q '"database":"up"'
curl -fsL "http://127.0.0.1:$PORT/api/docs" | grep -qi swagger
curl -fs "http://127.0.0.1:$PORT/api/docs-json" | grep -q '"openapi"'
# The reference web client (WEB_UI, on in development) at /.
curl -fs "http://127.0.0.1:$PORT/" | grep -q 'src="app.js"'
curl -fs -o /dev/null "http://127.0.0.1:$PORT/app.js"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/nowhere")
[ "$code" = 404 ]
stop
# The embedded database and the generated dev secret persist in DATA_DIR.
[ -s "$WORK/data/jwt-secret" ] && [ -d "$WORK/data/pglite" ]
secret=$(cat "$WORK/data/jwt-secret")
start
[ "$(cat "$WORK/data/jwt-secret")" = "$secret" ]
stop

# A bad value stops the boot with a message naming the variable.
if PORT=not-a-port node dist/apps/api/src/main.js >"$WORK/bad.log" 2>&1; then exit 1; fi
grep -q 'PORT: must be an integer' "$WORK/bad.log"
if APP_ENV=production node dist/apps/api/src/main.js >"$WORK/prod.log" 2>&1; then exit 1; fi
grep -q 'JWT_SECRET_KEY: is required' "$WORK/prod.log"
echo "smoke: ok"
