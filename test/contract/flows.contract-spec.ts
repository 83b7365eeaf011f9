import { ChatApp, startChatApp, waitFor } from '../support/chat-app';
import { readSse } from '../support/sse';
import { Api, apiClient, conformance, matches, ok } from './client';
import type { components } from './generated/api';

type Message = components['schemas']['MessageResponse'];
type Document = components['schemas']['DocumentResponse'];

const PASSWORD = 'correct horse battery';
const HANDBOOK = 'Politique de congés. Chaque salarié dispose de vingt-cinq jours de congés payés par an.';
const BUDGET = 'Budget 2027. The travel budget for the finance team is forty thousand euros.';

/**
 * The main flows, driven as a frontend would: openapi-fetch with the types openapi-typescript
 * generated from the served /api/docs-json (npm run test:contract). A field the spec stops
 * declaring fails tsc; a response that differs from its documented schema fails the last test.
 */
describe('Contract: the generated client drives the API', () => {
  let c: ChatApp;
  let anonymous: Api;
  let admin: Api;
  let adminId: number;
  let user: Api;
  let userId: number;
  let agentId: number;
  let chatId: number;
  let chatDocumentId: number;

  beforeAll(async () => {
    c = await startChatApp();
    anonymous = apiClient(c.t.url);
  });
  afterEach(() => c.sim.reset());
  afterAll(() => c.close());

  async function signUp(email: string, trigramme: string): Promise<{ api: Api; id: number }> {
    const registered = await anonymous.POST('/api/auth/register', { body: { email, trigramme, password: PASSWORD } });
    expect(registered.response.status).toBe(201);
    const created = ok(registered);
    expect(created).toMatchObject({ email, trigramme, is_active: true });
    const login = ok(await anonymous.POST('/api/auth/login', { body: { email, password: PASSWORD } }));
    expect(login.token_type.toLowerCase()).toBe('bearer');
    expect(login.expires_in).toBeGreaterThan(0);
    expect(login.user.id).toBe(created.id);
    return { api: apiClient(c.t.url, login.access_token), id: created.id };
  }

  const messagesOf = async (chat: number, query: { limit?: number; before?: number } = {}) =>
    ok(await user.GET('/api/messages/chat/{chatId}', { params: { path: { chatId: chat }, query } }));

  async function upload(entity: Document['entity_type'], id: number, text: string, filename: string): Promise<Document> {
    // openapi-typescript types a `format: binary` part as string: the typed body carries the file
    // name there, and the serializer builds the multipart form with the file itself.
    const uploaded = await user.POST('/api/documents/upload', {
      body: { entity_type: entity, entity_id: id, file: filename },
      bodySerializer: (body) => {
        const form = new FormData();
        form.append('entity_type', body.entity_type);
        form.append('entity_id', String(body.entity_id));
        form.append('file', new Blob([text], { type: 'text/plain' }), body.file);
        return form;
      },
    });
    expect(uploaded.response.status).toBe(201);
    const document = ok(uploaded);
    expect(document).toMatchObject({ filename, entity_type: entity, entity_id: id, uploader_id: userId });
    const listed = await waitFor(
      async () => ok(await user.GET('/api/documents', { params: { query: { entity_type: entity, entity_id: id } } })).items,
      (documents) => documents.some((d) => d.id === document.id && (d.status === 'ready' || d.status === 'failed')),
      30_000,
    );
    const ready = listed.find((d) => d.id === document.id);
    expect(ready?.status).toBe('ready');
    expect(ready?.error).toBeNull();
    return document;
  }

  it('registers and logs in (the first account is the admin); /me answers the profile', async () => {
    ({ api: admin, id: adminId } = await signUp('ada@example.org', 'ADA'));
    ({ api: user, id: userId } = await signUp('bob@example.org', 'BOB'));
    const me = ok(await admin.GET('/api/auth/me'));
    expect(me.is_admin).toBe(true);
    expect(ok(await user.GET('/api/auth/me')).is_admin).toBe(false);
    const refused = await anonymous.GET('/api/auth/me');
    expect(refused.response.status).toBe(401);
    const wrong = await anonymous.POST('/api/auth/login', { body: { email: 'bob@example.org', password: 'wrong password' } });
    expect(wrong.response.status).toBe(401);
    expect(typeof wrong.error?.detail).toBe('string');
  });

  it('answers errors in the documented shape: a detail string, or a list of field problems on 422', async () => {
    const taken = await anonymous.POST('/api/auth/register', { body: { email: 'bob@example.org', trigramme: 'BOZ', password: PASSWORD } });
    expect(taken.response.status).toBe(409);
    expect(taken.error?.detail).toEqual(expect.any(String));
    const invalid = await anonymous.POST('/api/auth/register', { body: { email: 'not an email', trigramme: 'TOOLONG', password: PASSWORD } });
    expect(invalid.response.status).toBe(422);
    const detail = invalid.error?.detail;
    const problems = Array.isArray(detail) ? detail : [];
    expect(problems.map((p) => p.loc.join('.'))).toEqual(expect.arrayContaining(['body.email', 'body.trigramme']));
    expect(problems.every((p) => p.msg.length > 0)).toBe(true);
  });

  it('creates, lists and gets agents', async () => {
    const created = await user.POST('/api/agents', {
      body: { name: 'Assistant', system_prompt: 'You are terse.', temperature: 0.3, is_public: true, learn_from_interaction: false },
    });
    expect(created.response.status).toBe(201);
    const agent = ok(created);
    agentId = agent.id;
    const owner: string | null = agent.owner_trigramme;
    expect(owner).toBe('BOB');
    const avatar: string | null = agent.avatar_url;
    expect(avatar).toBeNull();
    expect(agent).toMatchObject({ name: 'Assistant', owner_id: userId, is_public: true, temperature: 0.3 });

    const mine = ok(await user.GET('/api/agents/my'));
    expect(mine.items.map((a) => a.id)).toEqual([agentId]);
    expect(mine.next_before).toBeNull();
    const visible = ok(await admin.GET('/api/agents'));
    expect(visible.items.map((a) => a.name)).toContain('Assistant');
    const fetched = ok(await user.GET('/api/agents/{id}', { params: { path: { id: agentId } } }));
    expect(fetched.system_prompt).toBe('You are terse.');
    expect((await user.GET('/api/agents/{id}', { params: { path: { id: 999_999 } } })).response.status).toBe(404);
  });

  it('creates, lists and gets chats', async () => {
    const created = await user.POST('/api/chats', { body: { agent_id: agentId, title: 'Budget questions' } });
    expect(created.response.status).toBe(201);
    const chat = ok(created);
    chatId = chat.id;
    expect(chat).toMatchObject({ title: 'Budget questions', user_id: userId, agent_id: agentId });
    expect(chat.agent?.name).toBe('Assistant');
    expect(chat.agent?.deleted).toBe(false);

    const second = ok(await user.POST('/api/chats', { body: { agent_id: agentId, title: 'Other' } }));
    const page = ok(await user.GET('/api/chats', { params: { query: { limit: 1 } } }));
    expect(page.items.map((c) => c.id)).toEqual([second.id]);
    expect(page.next_before).not.toBeNull();
    const rest = ok(await user.GET('/api/chats', { params: { query: { limit: 1, before: page.next_before ?? undefined } } }));
    expect(rest.items.map((c) => c.title)).toEqual(['Budget questions']);
    const found = ok(await user.GET('/api/chats', { params: { query: { q: 'budget' } } }));
    expect(found.items.map((c) => c.id)).toEqual([chatId]);

    const renamed = ok(await user.PUT('/api/chats/{id}', { params: { path: { id: second.id } }, body: { title: 'Renamed' } }));
    expect(renamed.title).toBe('Renamed');
    const history = ok(await user.GET('/api/chats/{id}', { params: { path: { id: chatId } } }));
    expect(history.title).toBe('Budget questions');
    expect(history.messages).toEqual([]);
    expect(history.messages_next_before).toBeNull();
    expect((await admin.GET('/api/chats/{id}', { params: { path: { id: chatId } } })).response.status).toBe(404);
  });

  it('sends a message with stream: false and gets the complete answer', async () => {
    const sent = await user.POST('/api/messages', { body: { chat_id: chatId, content: 'hello there', stream: false } });
    expect(sent.response.status).toBe(201);
    const { user_message, assistant_message } = ok(sent);
    expect(user_message).toMatchObject({ role: 'user', content: 'hello there', status: 'complete', chat_id: chatId });
    expect(assistant_message).toMatchObject({ role: 'assistant', status: 'complete', content: 'Echo: hello there' });
    expect(assistant_message.parent_id).toBe(user_message.id);
    const model: string | null = assistant_message.llm_model;
    expect(model).toBe('sim-chat');
    expect(assistant_message.completion_tokens).toBeGreaterThan(0);
  });

  it('sends a streamed message and reads the final answer once generated', async () => {
    const sent = ok(await user.POST('/api/messages', { body: { chat_id: chatId, content: 'stream this', stream: true } }));
    expect(sent.assistant_message.status).toBe('streaming');
    const final: Message | undefined = await waitFor(
      async () => (await messagesOf(chatId)).items.find((m) => m.id === sent.assistant_message.id),
      (message) => message?.status !== 'streaming',
    );
    expect(final).toMatchObject({ status: 'complete', content: 'Echo: stream this' });
    expect(final?.ttft_ms).not.toBeNull();
  });

  it('pages messages (oldest first within a page) and the chat history', async () => {
    ok(await user.POST('/api/messages', { body: { chat_id: chatId, content: 'third', stream: false } }));
    const all = await messagesOf(chatId, { limit: 100 });
    expect(all.items).toHaveLength(6);
    expect(all.next_before).toBeNull();
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await messagesOf(chatId, { limit: 4, before });
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.unshift(...page.items.map((m) => m.id));
      if (page.next_before === null) break;
      before = page.next_before;
    }
    expect(seen).toEqual(all.items.map((m) => m.id));
    const history = ok(await user.GET('/api/chats/{id}', { params: { path: { id: chatId }, query: { limit: 2 } } }));
    expect(history.messages.map((m) => m.content)).toEqual(['third', 'Echo: third']);
    expect(history.messages_next_before).toBe(history.messages[0].id);
  });

  it('uploads documents, waits until ready, reads their text, and searches chat and agent', async () => {
    const chatDocument = await upload('chat', chatId, BUDGET, 'budget.txt');
    chatDocumentId = chatDocument.id;
    const agentDocument = await upload('agent', agentId, HANDBOOK, 'handbook.md');
    const text = ok(await user.GET('/api/documents/{id}/text', { params: { path: { id: chatDocument.id } } }));
    expect(text.pages.map((p) => p.text).join('\n')).toContain('forty thousand euros');

    const inChat = ok(await user.GET('/api/chats/{id}/search', { params: { path: { id: chatId }, query: { q: 'travel budget' } } }));
    expect(inChat.query).toBe('travel budget');
    expect(inChat.results[0]).toMatchObject({ document_id: chatDocument.id, filename: 'budget.txt', page: 1 });
    expect(inChat.results[0].text).toContain('forty thousand');
    const inAgent = ok(await user.GET('/api/agents/{id}/search', { params: { path: { id: agentId }, query: { q: 'jours de congés' } } }));
    expect(inAgent.results[0].document_id).toBe(agentDocument.id);
    expect(inAgent.results[0].score).toBeGreaterThan(0);
  });

  it('answers with typed citations of the chat and agent documents', async () => {
    const sent = ok(await user.POST('/api/messages', { body: { chat_id: chatId, content: 'What is the travel budget?', stream: false } }));
    const citations = sent.assistant_message.citations ?? [];
    expect(citations.length).toBeGreaterThan(0);
    const first = citations[0];
    const label = `[${first.index}] ${first.filename}, page ${first.page}`;
    expect(label).toBe('[1] budget.txt, page 1');
    expect(first.snippet).toContain('forty thousand');
    expect(typeof first.document_id).toBe('number');
  });

  it('streams an answer over SSE with a ticket URL: typed token events, then done', async () => {
    c.sim.ttftMs = 300;
    c.sim.interTokenMs = 5;
    const sent = ok(await user.POST('/api/messages', { body: { chat_id: chatId, content: 'follow me', stream: true } }));
    const ticket = ok(await user.POST('/api/messages/stream/{chatId}/ticket', { params: { path: { chatId } } }));
    expect(Date.parse(ticket.expires_at) - Date.now()).toBeLessThanOrEqual(60_000);
    const { status, events } = await readSse(`${c.t.url}${ticket.url}`, { until: (event) => event.event !== 'token' });
    expect(status).toBe(200);
    const deltas: string[] = [];
    let seq = 0;
    for (const event of events.slice(0, -1)) {
      expect(event.event).toBe('token');
      if (matches(event.data, 'SseTokenEvent', 'SSE token')) {
        expect(event.data.message_id).toBe(sent.assistant_message.id);
        expect(event.data.first_seq).toBe(seq + 1);
        expect(event.data.seq).toBeGreaterThanOrEqual(event.data.first_seq);
        seq = event.data.seq;
        deltas.push(event.data.delta);
      }
    }
    const last = events[events.length - 1];
    expect(last?.event).toBe('done');
    expect(matches(last?.data, 'SseDoneEvent', 'SSE done') && last.data.status).toBe('complete');
    expect(deltas.join('')).toBe('Echo: follow me');
    expect((await readSse(`${c.t.url}/api/messages/stream/${chatId}`)).status).toBe(401);
  });

  it('downloads a document with the client, and through a ticket URL with no header', async () => {
    const downloaded = await user.GET('/api/documents/{id}', { params: { path: { id: chatDocumentId } }, parseAs: 'text' });
    expect(downloaded.response.status).toBe(200);
    expect(downloaded.data).toBe(BUDGET);
    const ticket = ok(await user.POST('/api/documents/{id}/ticket', { params: { path: { id: chatDocumentId } } }));
    const plain = await fetch(`${c.t.url}${ticket.url}`);
    expect(plain.status).toBe(200);
    expect(await plain.text()).toBe(BUDGET);
    expect(plain.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${c.t.url}/api/documents/${chatDocumentId}`)).status).toBe(401);
  });

  it('rates an answer, reads my feedback, and the admins read it with the answer in context', async () => {
    const answer = (await messagesOf(chatId)).items.find((m) => m.role === 'assistant' && m.status === 'complete');
    if (!answer) throw new Error('an answer was sent earlier');
    const path = { params: { path: { id: answer.id } } };
    const rated = ok(await user.PUT('/api/messages/{id}/feedback', { ...path, body: { rating: 'down', reason: 'incomplete', comment: 'Too short.' } }));
    expect(rated).toMatchObject({ message_id: answer.id, rating: 'down', reason: 'incomplete', comment: 'Too short.' });
    expect(ok(await user.GET('/api/messages/{id}/feedback', path))).toEqual(rated);

    const listed = ok(await admin.GET('/api/admin/feedback', { params: { query: { limit: 10 } } }));
    expect(listed.items[0]).toMatchObject({ id: rated.id, answer: { id: answer.id }, agent: { id: agentId }, user: { id: userId } });
    const summary = ok(await admin.GET('/api/admin/feedback/summary', { params: { query: { group_by: 'model' } } }));
    expect(summary.items).toMatchObject([{ key: 'sim-chat', down: 1, total: 1, top_reasons: [{ reason: 'incomplete', count: 1 }] }]);
    const agents = ok(await admin.GET('/api/admin/agents', { params: { query: { limit: 10 } } }));
    expect(agents.items.find((agent) => agent.id === agentId)).toMatchObject({ feedback_up: 0, feedback_down: 1 });

    expect((await user.DELETE('/api/messages/{id}/feedback', path)).response.status).toBe(204);
    expect((await user.GET('/api/messages/{id}/feedback', path)).response.status).toBe(404);
  });

  it('lists, patches and revokes users as an admin; a user is refused', async () => {
    const page = ok(await admin.GET('/api/admin/users', { params: { query: { limit: 10, q: 'bob' } } }));
    expect(page.items.map((u) => u.trigramme)).toEqual(['BOB']);
    expect((await user.GET('/api/admin/users')).response.status).toBe(403);

    const patched = ok(await admin.PATCH('/api/admin/users/{id}', { params: { path: { id: userId } }, body: { is_admin: true } }));
    expect(patched.is_admin).toBe(true);
    ok(await admin.PATCH('/api/admin/users/{id}', { params: { path: { id: userId } }, body: { is_admin: false } }));

    const sessions = ok(await user.GET('/api/sessions')).items;
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const agentHeader: string | null = sessions[0].user_agent;
    const ip: string | null = sessions[0].ip;
    expect(agentHeader).toEqual(expect.any(String));
    expect(ip).toContain('127.0.0.1');

    const revoked = ok(await admin.POST('/api/admin/users/{id}/revoke-sessions', { params: { path: { id: userId } } }));
    expect(revoked.revoked).toBeGreaterThanOrEqual(1);
    expect((await user.GET('/api/auth/me')).response.status).toBe(401);
    expect(ok(await admin.GET('/api/admin/users/{id}', { params: { path: { id: adminId } } })).is_admin).toBe(true);
  });

  it('lists and revokes own sessions', async () => {
    const second = await signUp('cyd@example.org', 'CYD');
    const other = ok(await anonymous.POST('/api/auth/login', { body: { email: 'cyd@example.org', password: PASSWORD } }));
    const sessions = ok(await second.api.GET('/api/sessions')).items;
    expect(sessions).toHaveLength(2);
    const notCurrent = sessions.find((s) => !s.current);
    expect(notCurrent).toBeDefined();
    const revoked = await second.api.DELETE('/api/sessions/{id}', { params: { path: { id: notCurrent?.id ?? '' } } });
    expect(revoked.response.status).toBe(204);
    expect((await apiClient(c.t.url, other.access_token).GET('/api/auth/me')).response.status).toBe(401);
    expect(ok(await second.api.GET('/api/sessions')).items).toHaveLength(1);
  });

  it('reads usage as JSON and CSV, every agent, and a user with usage and sessions, as an admin', async () => {
    const report = ok(await admin.GET('/api/admin/usage', { params: { query: { group_by: 'user', limit: 10 } } }));
    if (typeof report === 'string') throw new Error('a JSON report was asked for');
    expect(report.next_before).toBeNull();
    expect(report.items.find((row) => row.key === String(userId))?.calls).toBeGreaterThan(0);
    expect(report.totals.calls).toBe(report.items.reduce((total, row) => total + row.calls, 0));
    const csv = await admin.GET('/api/admin/usage', { params: { query: { group_by: 'user', format: 'csv' } }, parseAs: 'text' });
    expect(csv.response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(String(csv.data).split('\r\n')).toHaveLength(report.items.length + 2);

    const agents = ok(await admin.GET('/api/admin/agents', { params: { query: { limit: 10 } } }));
    expect(agents.items.find((agent) => agent.id === agentId)).toMatchObject({ owner: { id: userId }, chat_count: expect.any(Number) });
    const detail = ok(await admin.GET('/api/admin/users/{id}', { params: { path: { id: adminId } } }));
    expect(detail.sessions.length).toBeGreaterThan(0);
    expect(detail.usage.this_month.tokens).toBeGreaterThanOrEqual(detail.usage.today.tokens);
    expect((await user.GET('/api/admin/usage')).response.status).not.toBe(200);
  });

  it('got from every call a response matching the schema the spec documents for it', () => {
    expect([...conformance]).toEqual([]);
  });
});
