#!/usr/bin/env bash
# Writes the OpenAPI document the built API serves (GET /api/docs-json, embedded defaults) to $1,
# and checks the offline writer (npm run openapi:write) produces the same document.
# Expects `npm run -s build` done (the server smoke test builds).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: .ci/served-openapi.sh <out.json>}
WORK=$(mktemp -d)
PORT=18063
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

env -u DATABASE_URL -u REDIS_URL -u PUBLIC_URL DATA_DIR="$WORK/data" UPLOAD_DIR="$WORK/uploads" PORT=$PORT LOG_LEVEL=warn \
  node dist/apps/api/src/main.js >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$PORT/api/health" >/dev/null && break; sleep 1; done
curl -fsS "http://127.0.0.1:$PORT/api/docs-json" -o "$OUT" || { cat "$WORK/server.log"; exit 1; }

# The writer (no database, no network) must write exactly what the server serves.
mkdir "$WORK/writer"
(cd "$WORK/writer" && env -u DATABASE_URL -u REDIS_URL -u PUBLIC_URL -u DATA_DIR PORT=$PORT node "$OLDPWD/dist/apps/api/src/openapi/write-openapi.js" ../written.json)
node -e 'const [a, b] = process.argv.slice(1).map((f) => JSON.stringify(require(f)));
  if (a !== b) { console.error("write-openapi.js differs from /api/docs-json"); process.exit(1); }' "$(realpath "$OUT")" "$WORK/written.json"
[ -z "$(ls -A "$WORK/writer")" ] || { echo "the writer created files: $(ls -A "$WORK/writer")"; exit 1; }
echo "served OpenAPI document: $OUT"
