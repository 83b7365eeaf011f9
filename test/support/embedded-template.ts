import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '#config';
import { buildDataSourceOptions, MIGRATIONS, runMigrations } from '#database';

const LOCK_FILE = 'foyergpt.lock';
let template: Promise<string> | undefined;

/**
 * An embedded database with every migration applied, made once per machine
 * and version of the migrations (their source is in the key), then copied
 * into each test app's DATA_DIR: creating a PGlite cluster and migrating it
 * took about 4 of the 5 seconds an embedded test app needed to boot. Jest
 * workers racing to make it each build their own and the first rename wins.
 * The app still runs its migrations on boot, finding nothing left to do.
 */
function embeddedTemplate(): Promise<string> {
  template ??= (async () => {
    const key = createHash('sha256')
      .update(MIGRATIONS.map((migration) => migration.toString()).join('\n'))
      .digest('hex')
      .slice(0, 16);
    const dir = path.join(os.tmpdir(), `foyergpt-pglite-template-${key}`);
    if (fs.existsSync(path.join(dir, 'ready'))) return dir;
    const building = fs.mkdtempSync(path.join(os.tmpdir(), 'foyergpt-pglite-building-'));
    const dataSource = await new DataSource(buildDataSourceOptions(loadConfig({ DATA_DIR: building, LOG_LEVEL: 'silent' }))).initialize();
    await runMigrations(dataSource, true);
    await dataSource.destroy();
    fs.writeFileSync(path.join(building, 'ready'), '');
    try {
      fs.renameSync(building, dir);
    } catch {
      fs.rmSync(building, { recursive: true, force: true }); // another worker's is there already
    }
    return dir;
  })();
  return template;
}

/** Gives a DATA_DIR without a database the migrated embedded database (its `pglite` directory) of the template. */
export async function seedEmbeddedDatabase(dataDir: string): Promise<void> {
  const target = path.join(dataDir, 'pglite');
  if (fs.existsSync(target)) return; // a restart's: its data is the test's
  const source = path.join(await embeddedTemplate(), 'pglite');
  fs.cpSync(source, target, { recursive: true, filter: (file) => path.basename(file) !== LOCK_FILE });
}
