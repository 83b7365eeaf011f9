// Bundles the reference web client into dist/web (served at / when WEB_UI is on).
// Run by `npm run build` after the OpenAPI types are generated and the client typechecked.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '..', 'dist', 'web');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'src', 'main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  target: ['es2020'],
  platform: 'browser',
  logLevel: 'warning',
});
for (const file of ['index.html', 'app.css']) copyFileSync(join(here, 'src', file), join(out, file));
