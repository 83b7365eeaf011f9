import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '#config';
import { buildDataSourceOptions, DocumentsRepository, MemoriesRepository, runMigrations, tsvectorSql, unaccent, UsageRepository } from '#database';
import { LlmRegistry } from '#llm';
import type { LlmProvider } from '#llm';
import { EmbeddingService, Retriever, VectorIndex } from '#retrieval';
import { UsageLedger } from '#usage';
import { percentile, round } from './lib/stats';

const DIM = 256;
// The most frequent words of the corpus: the domain's, in French and English.
const DOMAIN_WORDS = [...new Set((
  'budget congés sécurité réunion projet équipe client contrat facture rapport analyse stratégie formation recrutement salaire ' +
  'télétravail badge bâtiment serveur réseau sauvegarde incident procédure audit conformité fournisseur achat livraison stock ' +
  'budget vacation security meeting project team customer contract invoice report analysis strategy training hiring salary ' +
  'remote badge building server network backup incident procedure audit compliance supplier purchase delivery inventory'
).split(' '))];
const VOCABULARY_SIZE = 4000;
const CHUNK_WORDS = 60;
// The adversarial queries pair these most frequent words: each is in 3/4 or more of the chunks.
const COMMON_WORDS = 5;

function seeded(seed: number) {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

function vectorOf(text: string): number[] {
  const digest = createHash('sha256').update(text).digest();
  const random = seeded(digest.readUInt32LE(0));
  const raw = Array.from({ length: DIM }, () => random() * 2 - 1);
  const norm = Math.hypot(...raw);
  return raw.map((value) => value / norm);
}

/** Local deterministic vectors: the bench measures search, not an embedding server. */
const localProvider = {
  name: 'vllm',
  configuredModels: () => [{ id: 'bench-embed', provider: 'vllm', capabilities: ['embeddings'], served: true }],
  embed: async (texts: string[]) => ({ vectors: texts.map(vectorOf) }),
} as unknown as LlmProvider;

/** The domain words, then made-up ones (three syllables), in a fixed order: most frequent first. */
const VOCABULARY = (() => {
  const syllables = 'ba ke lo mi nu ra so ti vu zo pa de gi fo lu ne ri sa to ve'.split(' ');
  const random = seeded(3);
  const words = new Set(DOMAIN_WORDS);
  while (words.size < VOCABULARY_SIZE) words.add(Array.from({ length: 3 }, () => syllables[Math.floor(random() * syllables.length)]).join(''));
  return [...words];
})();

/** Draws words with Zipf's law (frequency ∝ 1/rank), as in natural text. */
function zipf(words: string[], random: () => number): () => string {
  const cumulative: number[] = [];
  words.forEach((_, rank) => cumulative.push((cumulative[rank - 1] ?? 0) + 1 / (rank + 1)));
  const total = cumulative[cumulative.length - 1];
  return () => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle] < target) low = middle + 1;
      else high = middle;
    }
    return words[low];
  };
}

/** A user's question about one chunk: 2 or 3 of its distinct words. */
function typicalQuery(text: string, random: () => number): string {
  const words = [...new Set(text.split(' '))];
  const picked = new Set<string>();
  const count = 2 + Math.floor(random() * 2);
  while (picked.size < Math.min(count, words.length)) picked.add(words[Math.floor(random() * words.length)]);
  return `${[...picked].join(' ')} ?`;
}

/** The worst case for full-text ranking: two words that nearly every chunk holds. */
function commonWordsQuery(random: () => number): string {
  const first = Math.floor(random() * COMMON_WORDS);
  const second = (first + 1 + Math.floor(random() * (COMMON_WORDS - 1))) % COMMON_WORDS;
  return `${VOCABULARY[first]} ${VOCABULARY[second]} ?`;
}

async function dataSourceFor(dir: string): Promise<{ dataSource: DataSource; drop: () => Promise<void> }> {
  const server = process.env.DATABASE_URL;
  let url: string | undefined;
  if (server) {
    url = new URL(server).toString().replace(/\/[^/]*$/, `/foyergpt_bench_${process.pid}`);
    const admin = new Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE foyergpt_bench_${process.pid}`);
    await admin.end();
  }
  const config = loadConfig({ DATA_DIR: dir, DATABASE_URL: url });
  const dataSource = await new DataSource(buildDataSourceOptions(config)).initialize();
  await runMigrations(dataSource, !url);
  return {
    dataSource,
    drop: async () => {
      await dataSource.destroy();
      if (!server) return;
      const admin = new Client({ connectionString: server });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS foyergpt_bench_${process.pid} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Seeds `count` chunks of Zipf text in one agent's documents; returns the agent and `samples` chunk texts to ask about. */
async function seedChunks(dataSource: DataSource, count: number, withVectors: boolean, vectors: VectorIndex, samples: number) {
  await dataSource.query(`INSERT INTO users (email, trigramme, hashed_password) VALUES ('bench@example.org', 'BEN', 'x') ON CONFLICT DO NOTHING`);
  const [{ id: userId }] = await dataSource.query(`SELECT id FROM users WHERE email = 'bench@example.org'`);
  const [{ id: agentId }] = await dataSource.query(`INSERT INTO agents (name, owner_id, model) VALUES ('Bench', $1, 'm') RETURNING id`, [userId]);
  const random = seeded(42);
  const word = zipf(VOCABULARY, random);
  // Chunks spread over the whole corpus, to ask about.
  const sampleAt = new Set(Array.from({ length: samples }, (_, k) => Math.floor((k * count) / samples)));
  const sampled: string[] = [];
  for (let done = 0; done < count; done += 1000) {
    const [{ id: documentId }] = await dataSource.query(
      `INSERT INTO documents (filename, file_path, file_size, mime_type, entity_type, entity_id, uploader_id, status)
       VALUES ('bench.txt', 'bench.txt', 1, 'text/plain', 'agent', $1, $2, 'ready') RETURNING id`,
      [agentId, userId],
    );
    const texts = Array.from({ length: Math.min(1000, count - done) }, () => Array.from({ length: CHUNK_WORDS }, word).join(' '));
    for (const [i, text] of texts.entries()) if (sampleAt.has(done + i)) sampled.push(text);
    const ids: { id: number }[] = await dataSource.query(
      `INSERT INTO document_chunks (document_id, page, position, text, token_count, tsv, embedding, embedding_model, embedding_dim)
       SELECT $1, 1, x.n, x.t, 80, ${tsvectorSql('x.u')}, x.e::real[], $5, $6
       FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS x(t, u, e, n) RETURNING id`,
      [documentId, texts, texts.map(unaccent), texts.map((t) => (withVectors ? `{${vectorOf(t).join(',')}}` : null)), withVectors ? 'bench-embed' : null, withVectors ? DIM : null],
    );
    if (withVectors) await vectors.store(ids.map(({ id }, i) => ({ chunkId: id, model: 'bench-embed', vector: vectorOf(texts[i]) })));
  }
  // Statistics, as autovacuum gathers within a minute of a bulk load: without them the planner guesses.
  await dataSource.query('ANALYZE');
  return { agentId, samples: sampled };
}

/** p50/p99 of `queries` searches (after 5 that warm caches), in milliseconds. */
async function timeSearches(retriever: Retriever, agentId: number, queries: string[]) {
  const times: number[] = [];
  for (const [i, query] of queries.entries()) {
    const start = performance.now();
    await retriever.searchDocuments({ agentId }, query, 6, { userId: null, agentId });
    if (i >= 5) times.push(performance.now() - start);
  }
  return { p50_ms: round(percentile(times, 50)), p99_ms: round(percentile(times, 99)) };
}

/**
 * p50/p99 of hybrid retrieval over one agent's chunks of Zipf text (4,000
 * words), lexical only and with vectors: typical questions (a few words of
 * one chunk) and, lexical only, the worst case of the most common words.
 */
export async function benchRetrieval(sizes: number[], vectorSizes: number[], queries: number) {
  const results: Record<string, unknown>[] = [];
  for (const [size, withVectors] of [...sizes.map((s) => [s, false] as const), ...vectorSizes.map((s) => [s, true] as const)]) {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-retrieval-'));
    const { dataSource, drop } = await dataSourceFor(dir);
    try {
      const config = loadConfig({ DATA_DIR: dir, EMBEDDING_PROVIDER: withVectors ? 'vllm' : 'none', EMBEDDING_MODEL: 'bench-embed' });
      const documents = new DocumentsRepository(dataSource);
      const vectors = new VectorIndex(documents);
      await vectors.onModuleInit();
      const ledger = new UsageLedger(new UsageRepository(dataSource), config);
      const embeddings = new EmbeddingService(new LlmRegistry(withVectors ? [localProvider] : [], config), ledger);
      const retriever = new Retriever(documents, new MemoriesRepository(dataSource), embeddings, vectors);
      const seedStart = performance.now();
      const { agentId, samples } = await seedChunks(dataSource, size, withVectors, vectors, queries + 5);
      const seedSeconds = round((performance.now() - seedStart) / 1000);
      const random = seeded(7);
      const kinds = { typical: samples.map((text) => typicalQuery(text, random)), 'common words': samples.map(() => commonWordsQuery(random)) };
      for (const [kind, list] of Object.entries(kinds)) {
        if (withVectors && kind !== 'typical') continue;
        const result = { chunks: size, vectors: withVectors ? vectors.backend : 'none', queries: kind, ...(await timeSearches(retriever, agentId, list)), seed_s: seedSeconds };
        console.log(`retrieval: ${JSON.stringify(result)}`);
        results.push(result);
      }
    } finally {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}
