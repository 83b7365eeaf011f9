#!/usr/bin/env bash
# The layering rules of the codebase (README "Project layout"), checked on every CI run:
# persistence only in libs/database, no feature-level globals, no lib importing an app,
# the CLI outside apps/api, no lib importing itself through its alias.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
fail() { echo "architecture: $*"; status=1; }
sources() { find apps libs -name '*.ts' ! -name '*.spec.ts' "$@"; }

# Only the database lib's module, migrations and repositories reach the database directly.
persistence='^libs/database/src/(database\.module|migrate|data-source-options|repositories/.*|migrations/.*|pglite/.*)\.ts$'
for file in $(grep -rlE "InjectDataSource|DataSource\)|InjectRepository|getRepository\(|TypeOrmModule\.forFeature|\.query\(" $(sources)); do
  [[ $file =~ $persistence ]] || fail "$file reaches the database outside libs/database repositories"
done

# Globals only for infrastructure.
infrastructure='^libs/(config|common|database|redis|jobs|health)/'
for file in $(grep -rl "@Global()" $(sources)); do
  [[ $file =~ $infrastructure ]] || fail "$file declares a @Global module outside infrastructure"
done

# Libs never import apps; the CLI and the worker never import the API app.
grep -rlE "from '(\.\./)+apps/" libs && fail "a lib imports an app"
grep -rlE "apps/api" apps/cli apps/worker --include=*.ts && fail "the CLI or the worker imports apps/api"

# Across libs, only through '#name'; inside a lib, never through its own alias or index.
for lib in libs/*/; do
  name=$(basename "$lib")
  grep -rlE "from '#$name'" "$lib" --include=*.ts && fail "libs/$name imports itself through #$name"
done
grep -rnE "from '(\.\./)+([a-z-]+/src|libs/)" apps libs test bench --include=*.ts && fail "a relative import crosses a lib boundary (use #name)"

# Libs depend on each other without cycles (value imports; `import type` is erased).
cycle=$(node -e '
const fs = require("fs"), path = require("path");
const libs = fs.readdirSync("libs");
const deps = {};
const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
for (const lib of libs) {
  deps[lib] = new Set();
  for (const file of walk(`libs/${lib}/src`).filter((f) => f.endsWith(".ts") && !f.endsWith(".spec.ts"))) {
    for (const m of fs.readFileSync(file, "utf8").matchAll(/^(?:import (?!type )[^;]*?|export \*) from .#([a-z-]+).;/gms)) if (m[1] !== lib) deps[lib].add(m[1]);
  }
}
const state = {};
const visit = (lib, trail) => {
  if (state[lib] === "done") return null;
  if (state[lib] === "open") return [...trail.slice(trail.indexOf(lib)), lib].join(" -> ");
  state[lib] = "open";
  for (const next of deps[lib] ?? []) { const found = visit(next, [...trail, lib]); if (found) return found; }
  state[lib] = "done";
  return null;
};
for (const lib of libs) { const found = visit(lib, []); if (found) { console.log(found); break; } }
')
[ -z "$cycle" ] || fail "libs import each other in a cycle: $cycle"

exit $status
