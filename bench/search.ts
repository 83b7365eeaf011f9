import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '#config';
import { buildDataSourceOptions, MessageSearchRepository, runMigrations, tsvectorSql, unaccent } from '#database';
import { MessageSearchService } from '#chats';
import { percentile, round } from './lib/stats';
import { searchSection } from './report';

// Words of the domain (accented as people write them), then made-up ones: Zipf-ranked, most frequent first.
const DOMAIN_WORDS = (
  'projet budget réunion équipe client sécurité contrat rapport analyse stratégie formation congés télétravail ' +
  'procédure fournisseur livraison conformité bâtiment réseau serveur sauvegarde incident facture salaire recrutement'
).split(' ');
const VOCABULARY_SIZE = 5000;
const CHATS_PER_MESSAGES = 20;
// Another user's chats share the table: the search must leave them out, not only be fast without them.
const OTHER_USER_SHARE = 0.1;

function seeded(seed: number) {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

const VOCABULARY = (() => {
  const syllables = 'ba ke lo mi nu ra so ti vu zo pa de gi fo lu ne ri sa to ve'.split(' ');
  const random = seeded(5);
  const words = new Set(DOMAIN_WORDS);
  while (words.size < VOCABULARY_SIZE) words.add(Array.from({ length: 3 }, () => syllables[Math.floor(random() * syllables.length)]).join(''));
  return [...words];
})();

async function databaseFor(dir: string): Promise<{ dataSource: DataSource; drop: () => Promise<void> }> {
  const server = process.env.DATABASE_URL;
  const name = `foyergpt_bench_search_${process.pid}`;
  let url: string | undefined;
  if (server) {
    url = new URL(server).toString().replace(/\/[^/]*$/, `/${name}`);
    const admin = new Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
  }
  const dataSource = await new DataSource(buildDataSourceOptions(loadConfig({ DATA_DIR: dir, DATABASE_URL: url }))).initialize();
  await runMigrations(dataSource, !url);
  return {
    dataSource,
    drop: async () => {
      await dataSource.destroy();
      if (!server || process.env.BENCH_KEEP_DATABASE) return;
      const admin = new Client({ connectionString: server });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/**
 * `count` messages of Zipf text (questions of 15 words, answers of 60) in
 * chats of 20, for one user, plus a tenth as many for another: generated in
 * SQL, tsv from the unaccented twin of each text as the app writes it.
 */
async function seedMessages(dataSource: DataSource, count: number): Promise<number> {
  const users: number[] = [];
  for (const [email, trigramme] of [['search@example.org', 'BEN'], ['other@example.org', 'OTH']]) {
    const [{ id }] = await dataSource.query(`INSERT INTO users (email, trigramme, hashed_password) VALUES ($1, $2, 'x') RETURNING id`, [email, trigramme]);
    users.push(id);
  }
  const [{ id: agentId }] = await dataSource.query(`INSERT INTO agents (name, owner_id, model) VALUES ('Bench', $1, 'm') RETURNING id`, [users[0]]);
  // Words as written ($7) and unaccented ($8), picked by index.
  const text = (words: '$7' | '$8', picks: string) => `array_to_string(array(SELECT (${words}::text[])[p] FROM unnest(${picks}) p), ' ')`;
  // Batches of 1000 chats (small transactions); the other user's batches spread among the first's, as ids interleave in a shared table.
  const chatsOf = (messages: number) => Math.ceil(messages / CHATS_PER_MESSAGES);
  const batches: { userId: number; first: number; chats: number }[] = [];
  const mine = chatsOf(count);
  const others = chatsOf(Math.round(count * OTHER_USER_SHARE));
  for (let first = 0, other = 0; first < mine; first += 1000) {
    batches.push({ userId: users[0], first, chats: mine });
    if ((first / 1000) % Math.round(1 / OTHER_USER_SHARE) === 0 && other < others) {
      batches.push({ userId: users[1], first: other, chats: others });
      other += 1000;
    }
  }
  const seedBatch = async ({ userId, first, chats }: (typeof batches)[number]) => {
    await dataSource.query(
      `WITH new_chats AS (
         INSERT INTO chats (title, user_id, agent_id, archived_at, created_at, updated_at)
         SELECT ${text('$7', `array(SELECT floor(exp(random() * ln($3)))::int FROM generate_series(1, 3 + g % 3))`)},
                $1, $2, CASE WHEN g % 10 = 0 THEN now() END,
                now() - make_interval(days => ($4 - g) / 50), now() - make_interval(days => ($4 - g) / 50)
         FROM generate_series($5::int, $5::int + $6 - 1) g
         RETURNING id, created_at
       ),
       texts AS (
         SELECT nc.id AS chat_id, nc.created_at + make_interval(secs => k) AS at, CASE WHEN k % 2 = 0 THEN 'user' ELSE 'assistant' END AS role,
                array(SELECT floor(exp(random() * ln($3)))::int FROM generate_series(1, CASE WHEN k % 2 = 0 THEN 15 ELSE 60 END) WHERE k >= 0) AS picks
         FROM new_chats nc CROSS JOIN generate_series(0, ${CHATS_PER_MESSAGES - 1}) k
       )
       INSERT INTO messages (chat_id, role, content, status, created_at, tsv)
       SELECT t.chat_id, t.role, ${text('$7', 't.picks')}, 'complete', t.at, ${tsvectorSql(text('$8', 't.picks'))}
       FROM texts t ORDER BY t.at`,
      [userId, agentId, VOCABULARY_SIZE, chats, first, Math.min(1000, chats - first), VOCABULARY, VOCABULARY.map(unaccent)],
    );
  };
  // Four statements at once: to_tsvector is most of the time.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) await seedBatch(batch);
    }),
  );
  // Statistics, as autovacuum gathers within a minute of a bulk load: without them the planner guesses.
  await dataSource.query('VACUUM ANALYZE messages');
  await dataSource.query('VACUUM ANALYZE chats');
  return users[0];
}

/** p50/p95/p99 of one kind of query (each word list in turn), first pages of 20, after 5 that warm caches. */
async function timeSearches(service: MessageSearchService, userId: number, queries: string[]) {
  const times: number[] = [];
  let found = 0;
  for (const [i, q] of queries.entries()) {
    const start = performance.now();
    const page = await service.search(userId, { q, limit: 20, archived: 'all' });
    if (i >= 5) times.push(performance.now() - start);
    found += page.items.length;
  }
  return { p50_ms: round(percentile(times, 50)), p95_ms: round(percentile(times, 95)), p99_ms: round(percentile(times, 99)), mean_hits: round(found / queries.length) };
}

/** The timings of each kind of query over a seeded database (`userId` the searching user). */
export async function timeKinds(dataSource: DataSource, userId: number, count: number, queries: number, seedSeconds: number | null) {
  const service = new MessageSearchService(new MessageSearchRepository(dataSource));
  const random = seeded(11);
  const pick = (from: number, to: number) => VOCABULARY[from + Math.floor(random() * (to - from))];
  const n = queries + 5;
  const kinds: Record<string, string[]> = {
    'common word': Array.from({ length: n }, () => pick(0, 3)),
    'two common words': Array.from({ length: n }, () => `${pick(0, 3)} ${pick(3, 8)}`),
    'mid-frequency word': Array.from({ length: n }, () => pick(100, 500)),
    'rare word': Array.from({ length: n }, () => pick(2000, VOCABULARY_SIZE)),
    'accented word typed without accents': Array.from({ length: n }, () => unaccent(pick(4, DOMAIN_WORDS.length))),
    'absent word': Array.from({ length: n }, (_, i) => `absentword${i}`),
  };
  const results: Record<string, unknown>[] = [];
  for (const [kind, list] of Object.entries(kinds)) {
    const result = { messages: count, queries: kind, ...(await timeSearches(service, userId, list)), seed_s: seedSeconds };
    console.log(`search: ${JSON.stringify(result)}`);
    results.push(result);
  }
  return results;
}

/**
 * p50/p95/p99 of GET /api/search's work (the service: query and snippets) over
 * one user's `count` messages: a common word (in a third of the messages),
 * two common words, rare words, an accented word typed without its accents,
 * and the second page of a common word.
 */
export async function benchSearch(count: number, queries: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-search-'));
  const { dataSource, drop } = await databaseFor(dir);
  try {
    const seedStart = performance.now();
    const userId = await seedMessages(dataSource, count);
    const seedSeconds = round((performance.now() - seedStart) / 1000);
    return await timeKinds(dataSource, userId, count, queries, seedSeconds);
  } finally {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Alone: `npm run -s build && node dist/bench/search.js [--quick]` (100k messages quick, 1M full).
if (require.main === module) {
  const quick = process.argv.includes('--quick');
  benchSearch(quick ? 100_000 : 1_000_000, quick ? 30 : 100).then(
    (results) => {
      // The section `npm run bench` writes into BENCHMARKS.md, for a run of this part alone.
      console.log(searchSection(results).join('\n'));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
