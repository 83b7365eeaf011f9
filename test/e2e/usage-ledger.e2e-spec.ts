import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { createWorker } from '../../apps/worker/src/create-worker';
import { DEFAULT_CHAT_TITLE, Document, Message, UsageRecord } from '#database';
import { usesWorker } from '#jobs';
import { signUp } from '../support/auth';
import { ChatApp, simulatorEnv, startSimulator, waitFor } from '../support/chat-app';
import { uploadText } from '../support/documents';
import { ChatCompletionRequest, echoReply, RecordedRequest, splitTokens } from '../support/llm-simulator/llm-simulator';
import { startTestApp } from '../support/test-app';

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i + 1}`).join(' ');
const text = (request: ChatCompletionRequest) =>
  request.messages.map((m) => (typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => p.text ?? '').join(''))).join('');
const systemText = (request: ChatCompletionRequest) => request.messages.find((m) => m.role === 'system')?.content ?? '';

/** The simulator's replies: a memory for the memory prompt, a title for the title prompt, long for "long", else an echo. */
function reply(request: ChatCompletionRequest): string {
  const system = String(systemText(request));
  if (system.includes('long-term memory')) return '["Prepares the 2027 budget of the finance team."]';
  if (system.includes('short title')) return 'Budget planning';
  const asked = echoReply(request);
  return asked.includes('long') || asked.includes('cut') ? `Echo: ${words(200)}` : asked;
}

/** What the simulator reports as usage (≈ 4 characters a token; one token a word, up to max_tokens). */
function simulatorUsage(request: RecordedRequest): [number, number] {
  if (request.path === '/v1/embeddings') {
    const { input } = request.body as { input: string[] };
    return [input.reduce((sum, item) => sum + Math.ceil(item.length / 4), 0), 0];
  }
  const body = request.body as ChatCompletionRequest;
  const tokens = splitTokens(reply(body)).length;
  return [Math.ceil(text(body).length / 4), Math.min(tokens, body.max_tokens ?? tokens)];
}

// A 1x1 PNG: the vision path passes the bytes through.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const HANDBOOK = 'Budget handbook\n\nThe 2027 budget of the finance team is prepared in October and approved in December.';
const NOTES = 'Meeting notes\n\nThe finance team reviews travel expenses every quarter.';

describe('Usage ledger: one row per model call', () => {
  let c: ChatApp;
  let db: DataSource;

  beforeAll(async () => {
    const sim = await startSimulator();
    // vLLM reports usage at the end of a stream when asked (Mistral's API is not asked): complete answers carry it.
    const t = await startTestApp({
      ...simulatorEnv(sim),
      LLM_MODE: 'vllm',
      VLLM_API_URL: sim.url,
      VLLM_MODEL_NAME: 'sim-chat',
      PIXTRAL_VLLM_MODEL: 'sim-vision',
      EMBEDDING_PROVIDER: 'vllm',
      EMBEDDING_MODEL: 'mistral-embed',
      MAX_CONCURRENT_GENERATIONS: '20',
      RATE_LIMIT_MESSAGES_PER_MINUTE: '100',
      // The vision model has no price: its rows cost null.
      LLM_PRICES: 'sim-chat=2/6,mistral-embed=0.5/0',
    });
    const worker = usesWorker(t.config) ? await createWorker(t.config) : undefined;
    c = { t, sim, worker, close: async () => (await worker?.close(), await t.close(), await sim.close()) };
    c.sim.reply = reply;
    db = c.t.app.get(DataSource);
  });
  afterAll(() => c?.close());

  const rows = () => db.getRepository(UsageRecord).find({ order: { id: 'ASC' } });
  const rowsOf = async (purpose: string) => (await rows()).filter((row) => row.purpose === purpose);
  const message = (id: number) => db.getRepository(Message).findOneByOrFail({ id });
  const ended = (id: number) => waitFor(() => message(id), (m) => m.status !== 'streaming');

  it('counts answers (complete, regenerated, stopped, failed), titles, memories and every embedding, each once', async () => {
    const user = await signUp(c.t);
    const agent = (await c.t.http().post('/api/agents').set(user.auth).send({ name: 'Coach', learn_from_interaction: true }).expect(201)).body;
    const newChat = async (title?: string) =>
      (await c.t.http().post('/api/chats').set(user.auth).send({ agent_id: agent.id, title }).expect(201)).body.id as number;
    const send = (chatId: number, content: string, stream = false, documentIds?: number[]) =>
      c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content, stream, document_ids: documentIds }).expect(201);
    const attachImage = async (chatId: number) => {
      fs.mkdirSync(c.t.config.uploadDir, { recursive: true });
      fs.writeFileSync(path.join(c.t.config.uploadDir, `ledger-${chatId}.png`), PNG);
      const image = await db.getRepository(Document).save({
        filename: 'photo.png', file_path: `ledger-${chatId}.png`, file_size: PNG.length, mime_type: 'image/png',
        entity_type: 'chat', entity_id: chatId, uploader_id: user.id, status: 'ready',
      });
      return image.id;
    };
    const embedded = (documentId: number) =>
      waitFor(
        () => db.query(`SELECT count(*)::int AS n FROM document_chunks WHERE document_id = $1 AND embedding_model IS NULL`, [documentId]),
        ([row]: { n: number }[]) => row.n === 0,
      );

    // An agent document and a chat document, embedded after extraction.
    const agentDocument = await uploadText(c.t, user, 'agent', agent.id, HANDBOOK, 'handbook.md');
    const titled = await newChat(DEFAULT_CHAT_TITLE);
    const fixed = await newChat('Fixed title');
    const chatDocument = await uploadText(c.t, user, 'chat', fixed, NOTES, 'notes.txt');
    await Promise.all([embedded(agentDocument), embedded(chatDocument)]);

    // A first answer: a title for its chat, a memory learnt (extracted, then embedded).
    const first = (await send(titled, 'I prepare the 2027 budget of the finance team.')).body.assistant_message;
    await waitFor(async () => (await db.query('SELECT title FROM chats WHERE id = $1', [titled]))[0].title, (title) => title === 'Budget planning');
    await waitFor(
      () => db.query('SELECT count(*)::int AS n FROM memories WHERE agent_id = $1 AND embedding_model IS NOT NULL', [agent.id]),
      ([row]: { n: number }[]) => row.n === 1,
    );

    // Then an answer and its regeneration (memories and documents both searched: two query embeddings each).
    const second = (await send(fixed, 'Which budget do I prepare?')).body.assistant_message;
    const regenerated = (await c.t.http().post(`/api/messages/${second.id}/regenerate`).set(user.auth).expect(201)).body;
    await ended(regenerated.id);
    // And a question about a picture: the vision model.
    const vision = (await send(fixed, 'What is in this picture?', false, [await attachImage(fixed)])).body.assistant_message;
    expect(vision).toMatchObject({ status: 'complete', llm_model: 'sim-vision' });
    await waitFor(() => rowsOf('memory_extraction'), (list) => list.length === 4);

    // A stopped answer and a failed one (no follow-up jobs for either).
    c.sim.interTokenMs = 20;
    const long = (await send(fixed, 'a long one', true)).body.assistant_message;
    await waitFor(() => message(long.id), (m) => m.content.length > 0);
    expect((await c.t.http().post(`/api/messages/${long.id}/stop`).set(user.auth).expect(200)).body.status).toBe('stopped');
    c.sim.interTokenMs = 0;
    c.sim.enqueueFault({ type: 'cut', afterTokens: 2 });
    const cut = (await send(fixed, 'cut me', true)).body.assistant_message;
    expect(await ended(cut.id)).toMatchObject({ status: 'failed' });

    // Every call the simulator answered (or was cut on), and no more, is a row.
    const calls = c.sim.requests.filter((r) => r.method === 'POST' && ['/v1/chat/completions', '/v1/embeddings'].includes(r.path));
    const ledger = await rows();
    expect(ledger).toHaveLength(calls.length);
    const count = (purpose: string) => ledger.filter((row) => row.purpose === purpose).length;
    const purposes = ['answer', 'regenerate', 'vision', 'title', 'memory_extraction', 'memory_embedding', 'document_embedding', 'query_embedding'];
    expect(Object.fromEntries(purposes.map((p) => [p, count(p)]))).toEqual({
      answer: 4,
      regenerate: 1,
      vision: 1,
      title: 1,
      memory_extraction: 4,
      memory_embedding: 1,
      document_embedding: 2,
      // The first send searched documents only (no memory yet); every later one (the regeneration, the picture, the
      // stopped and the failed answers included) searched memories and documents: 1 + 5 × 2.
      query_embedding: 11,
    });
    expect(ledger.every((row) => row.user_id === user.id && row.agent_id === agent.id && row.provider === 'vllm')).toBe(true);

    // Answers: one row each, ended as their message; usage reported for complete streams, estimated for the others.
    const answers = [first.id, second.id, regenerated.id, vision.id, long.id, cut.id];
    for (const id of answers) {
      const stored = await message(id);
      const [row] = ledger.filter((r) => r.message_id === id);
      expect(row).toMatchObject({
        chat_id: stored.chat_id,
        outcome: stored.status,
        prompt_tokens: stored.prompt_tokens,
        completion_tokens: stored.completion_tokens,
        estimated: stored.status !== 'complete',
        model: id === vision.id ? 'sim-vision' : 'sim-chat',
      });
      expect(row.latency_ms).toBeGreaterThanOrEqual(0);
    }
    expect(ledger.find((r) => r.message_id === regenerated.id)?.purpose).toBe('regenerate');
    expect(ledger.find((r) => r.message_id === vision.id)?.purpose).toBe('vision');
    const streamed = calls.filter((r) => (r.body as ChatCompletionRequest).stream === true);
    const completeAnswers = ledger.filter((r) => ['answer', 'regenerate', 'vision'].includes(r.purpose) && r.outcome === 'complete');
    expect(completeAnswers.map((r) => [r.prompt_tokens, r.completion_tokens]).sort()).toEqual(
      streamed.filter((r) => !reply(r.body as ChatCompletionRequest).includes(words(3))).map(simulatorUsage).sort(),
    );

    // Side calls: the simulator's usage, exactly, for the right chat, message and document.
    const reported = (purpose: string, of: (r: RecordedRequest) => boolean) => {
      expect(ledger.filter((r) => r.purpose === purpose).map((r) => [r.prompt_tokens, r.completion_tokens]).sort()).toEqual(
        calls.filter(of).map(simulatorUsage).sort(),
      );
      expect(ledger.filter((r) => r.purpose === purpose).every((r) => !r.estimated && r.outcome === 'complete')).toBe(true);
    };
    const chatCall = (needle: string) => (r: RecordedRequest) => r.path === '/v1/chat/completions' && String(systemText(r.body as ChatCompletionRequest)).includes(needle);
    const inputs = (r: RecordedRequest) => (r.path === '/v1/embeddings' ? (r.body as { input: string[] }).input : []);
    reported('title', chatCall('short title'));
    reported('memory_extraction', chatCall('long-term memory'));
    reported('memory_embedding', (r) => inputs(r).some((i) => i.startsWith('Prepares the 2027')));
    reported('document_embedding', (r) => inputs(r).some((i) => i.includes('handbook') || i.includes('Meeting notes')));
    expect((await rowsOf('title'))[0]).toMatchObject({ chat_id: titled, message_id: null });
    expect((await rowsOf('memory_extraction')).map((r) => r.message_id).sort()).toEqual([first.id, second.id, regenerated.id, vision.id].sort());
    expect((await rowsOf('memory_embedding'))[0]).toMatchObject({ chat_id: titled, message_id: first.id });
    expect((await rowsOf('document_embedding')).map((r) => [r.document_id, r.chat_id])).toEqual(
      expect.arrayContaining([[agentDocument, null], [chatDocument, fixed]]),
    );
    expect(new Set((await rowsOf('query_embedding')).map((r) => r.chat_id))).toEqual(new Set([titled, fixed]));

    // The admins' report (the first user is the admin) sums exactly these rows, by purpose and in total.
    const report = (await c.t.http().get('/api/admin/usage?group_by=purpose&limit=100').set(user.auth).expect(200)).body;
    const sum = (list: UsageRecord[], of: (row: UsageRecord) => number) => list.reduce((total, row) => total + of(row), 0);
    expect(report.totals).toMatchObject({
      calls: ledger.length,
      prompt_tokens: sum(ledger, (row) => row.prompt_tokens),
      completion_tokens: sum(ledger, (row) => row.completion_tokens),
      total_tokens: sum(ledger, (row) => row.prompt_tokens + row.completion_tokens),
      estimated_calls: ledger.filter((row) => row.estimated).length,
    });
    for (const purpose of purposes) {
      const mine = ledger.filter((row) => row.purpose === purpose);
      const item = report.items.find((row: { key: string }) => row.key === purpose);
      expect([purpose, item?.calls, item?.total_tokens]).toEqual([purpose, mine.length, sum(mine, (row) => row.prompt_tokens + row.completion_tokens)]);
    }

    // Each row priced from LLM_PRICES at the time of the call (per million tokens).
    const prices: Record<string, [number, number]> = { 'sim-chat': [2, 6], 'mistral-embed': [0.5, 0] };
    for (const row of ledger) {
      const price = prices[row.model];
      const expected = price ? ((row.prompt_tokens * price[0] + row.completion_tokens * price[1]) / 1e6).toFixed(8) : null;
      expect([row.purpose, row.model, row.cost]).toEqual([row.purpose, row.model, expected]);
    }
  });
});
