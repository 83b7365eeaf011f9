import { DataSource } from 'typeorm';
import { LEXICAL_POOL, tsvectorSql, unaccent } from '#database';
import { EmbeddingService, Retriever, VectorIndex } from '#retrieval';
import { signUp, SignedIn } from '../support/auth';
import { ChatApp, startChatApp } from '../support/chat-app';

const QUESTION = 'dépenses de voyage';

/** A deterministic pseudo-random generator, so a failure replays. */
function seeded(seed: number) {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

/** Unit vectors whose cosine with `target` spreads from 0.45 to 0.95, in shuffled order. */
function vectorsAround(target: number[], count: number): number[][] {
  const random = seeded(11);
  const vectors = Array.from({ length: count }, (_, k) => {
    const similarity = 0.45 + (0.5 * k) / (count - 1);
    const noise = target.map(() => random() * 2 - 1);
    const along = noise.reduce((sum, x, i) => sum + x * target[i], 0);
    const orthogonal = noise.map((x, i) => x - along * target[i]);
    const norm = Math.hypot(...orthogonal);
    return target.map((t, i) => similarity * t + Math.sqrt(1 - similarity ** 2) * (orthogonal[i] / norm));
  });
  return vectors.sort(() => random() - 0.5);
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  a.forEach((x, i) => {
    dot += x * b[i];
    normA += x * x;
    normB += b[i] * b[i];
  });
  return dot / Math.sqrt(normA * normB);
}

/** The ids of the `limit` stored vectors nearest to `query`, from the `real[]` column. */
function nearestStored(rows: { id: number; embedding: number[] }[], query: number[], limit: number) {
  return rows
    .map((row) => ({ id: row.id, similarity: cosine(query, row.embedding.map(Number)) }))
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, limit);
}

describe('Retrieval ranking (bounded full-text, stored float32 vectors)', () => {
  let c: ChatApp;
  let owner: SignedIn;
  let dataSource: DataSource;
  let retriever: Retriever;
  let query: number[];
  let model: string;

  const newAgent = async () =>
    (await c.t.http().post('/api/agents').set(owner.auth).send({ name: 'Ranking', is_public: true }).expect(201)).body.id as number;

  /** Chunks of one ready document of the agent, inserted in order; returns their ids. */
  async function addChunks(agentId: number, texts: string[], vectors?: number[][]): Promise<number[]> {
    const [{ id: documentId }] = await dataSource.query(
      `INSERT INTO documents (filename, file_path, file_size, mime_type, entity_type, entity_id, uploader_id, status)
       VALUES ('notes.txt', 'notes.txt', 1, 'text/plain', 'agent', $1, $2, 'ready') RETURNING id`,
      [agentId, owner.id],
    );
    const ids: number[] = [];
    for (const [i, text] of texts.entries()) {
      const [{ id }] = await dataSource.query(
        `INSERT INTO document_chunks (document_id, page, position, text, token_count, tsv, embedding, embedding_model, embedding_dim)
         VALUES ($1, 1, $2, $3, 10, ${tsvectorSql('$4')}, $5, $6, $7) RETURNING id`,
        [documentId, i, text, unaccent(text), vectors?.[i] ?? null, vectors ? model : null, vectors?.[i].length ?? null],
      );
      ids.push(id);
    }
    if (vectors) await c.t.app.get(VectorIndex).store(ids.map((chunkId, i) => ({ chunkId, model, vector: vectors[i] })));
    return ids;
  }

  beforeAll(async () => {
    c = await startChatApp({ EMBEDDING_PROVIDER: 'mistral' });
    owner = await signUp(c.t);
    dataSource = c.t.app.get(DataSource);
    retriever = c.t.app.get(Retriever);
    const embeddings = c.t.app.get(EmbeddingService);
    model = embeddings.model!;
    [query] = await embeddings.embed([QUESTION], { purpose: 'query_embedding', userId: owner.id });
  });
  afterAll(() => c.close());

  it('still ranks a rare word\'s chunks first when a common word is in more chunks than ranking reads', async () => {
    const agentId = await newAgent();
    await addChunks(agentId, [
      ...Array.from({ length: LEXICAL_POOL * 2 }, (_, i) => `Ligne ${i} du budget annuel.`),
      'Le budget du projet Zebra est validé.',
      'Zebra, zebra, zebra : le nom de code du projet.',
    ]);
    const results = await retriever.searchDocuments({ agentId }, 'budget zebra', 6, { userId: owner.id, agentId });
    expect(results.map((r) => r.text).slice(0, 2)).toEqual(['Zebra, zebra, zebra : le nom de code du projet.', 'Le budget du projet Zebra est validé.']);
    expect(results).toHaveLength(6);
  });

  it('finds the same nearest chunks as cosine over the stored real[] vectors', async () => {
    const agentId = await newAgent();
    const vectors = vectorsAround(query, 50);
    await addChunks(agentId, vectors.map((_, i) => `Mémo numéro ${i}.`), vectors);
    const stored: { id: number; embedding: number[] }[] = await dataSource.query(
      `SELECT c.id, c.embedding FROM document_chunks c JOIN documents d ON d.id = c.document_id WHERE d.entity_id = $1 AND d.entity_type = 'agent'`,
      [agentId],
    );
    const expected = nearestStored(stored, query, 6);

    const results = await retriever.searchDocuments({ agentId }, QUESTION, 6, { userId: owner.id, agentId });
    expect(results.map((r) => r.chunk_id)).toEqual(expected.map((e) => e.id));
    results.forEach((r, i) => expect(r.similarity).toBeCloseTo(expected[i].similarity, 3));
  });

  it('finds the nearest memories from their stored vectors, and follows an embedding rewritten in place', async () => {
    const agentId = await newAgent();
    const vectors = vectorsAround(query, 30);
    for (const [i, vector] of vectors.entries()) {
      await dataSource.query(
        `INSERT INTO memories (user_id, agent_id, content, tsv, embedding, embedding_model, embedding_dim)
         VALUES ($1, $2, $3, ${tsvectorSql('$3')}, $4, $5, $6)`,
        [owner.id, agentId, `mémo ${i}`, vector, model, vector.length],
      );
    }
    const stored: { id: number; embedding: number[] }[] = await dataSource.query(
      'SELECT id, embedding FROM memories WHERE agent_id = $1',
      [agentId],
    );
    const expected = nearestStored(stored, query, 6).map((e) => e.id);
    expect((await retriever.searchMemories(owner.id, agentId, QUESTION, 6)).map((m) => m.id)).toEqual(expected);

    // Re-embedding updates `embedding` alone (ChunkIndexer.embedMissing does): the bytes must follow.
    const farthest = nearestStored(stored, query, stored.length).at(-1)!.id;
    await dataSource.query('UPDATE memories SET embedding = $1 WHERE id = $2', [query, farthest]);
    expect((await retriever.searchMemories(owner.id, agentId, QUESTION, 6))[0].id).toBe(farthest);
  });
});
