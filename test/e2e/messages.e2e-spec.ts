import { DataSource } from 'typeorm';
import { Message } from '#database';
import { ChatApp, startChatApp, userWithChat, waitFor } from '../support/chat-app';
import type { ChatCompletionRequest } from '../support/llm-simulator/llm-simulator';
import { readSse, SseEvent } from '../support/sse';
import { oneTo, tokenSeqs } from '../support/token-seqs';
import type { TokenRange } from '../support/token-seqs';

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i + 1}`).join(' ');

describe('Messages: server-side generation, streaming, resume, stop', () => {
  let c: ChatApp;

  beforeAll(async () => {
    c = await startChatApp({ MAX_CONCURRENT_GENERATIONS: '20' });
  });
  afterEach(() => c.sim.reset());
  afterAll(() => c.close());

  const send = (auth: { Authorization: string }, body: object) => c.t.http().post('/api/messages').set(auth).send(body);
  const stored = (id: number) => c.t.app.get(DataSource).getRepository(Message).findOneByOrFail({ id });
  const final = (id: number) => waitFor(() => stored(id), (m) => m.status !== 'streaming');
  const tokens = (events: SseEvent[]) => events.filter((e) => e.event === 'token').map((e) => e.data as TokenRange & { delta: string });

  it('stores the user message, streams tokens in order, and stores their concatenation', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Test');
    // Slow enough to start that the stream below connects while the answer runs.
    c.sim.ttftMs = 300;
    c.sim.interTokenMs = 5;
    const sent = await send(user.auth, { chat_id: chatId, content: 'hello there friend' }).expect(201);
    expect(sent.body.user_message).toMatchObject({ role: 'user', content: 'hello there friend', status: 'complete' });
    expect(sent.body.assistant_message).toMatchObject({ role: 'assistant', status: 'streaming', llm_model: 'sim-chat', llm_provider: 'mistral' });

    const { events } = await readSse(`${c.t.url}/api/messages/stream/${chatId}`, {
      headers: { Authorization: user.auth.Authorization },
      until: (e) => e.event !== 'token',
    });
    const received = tokens(events);
    expect(tokenSeqs(received)).toEqual(oneTo(received.at(-1)!.seq));
    const done = events[events.length - 1];
    expect(done.event).toBe('done');
    const message = done.data as { content: string; status: string };
    expect(message).toMatchObject({ status: 'complete', content: 'Echo: hello there friend' });
    expect(received.map((e) => e.delta).join('')).toBe(message.content);

    const row = await stored(sent.body.assistant_message.id);
    expect(row).toMatchObject({ content: 'Echo: hello there friend', status: 'complete', llm_model: 'sim-chat', llm_provider: 'mistral' });
    expect(row.completion_tokens).toBeGreaterThan(0);
    expect(row.prompt_tokens).toBeGreaterThan(0);
    expect(row.ttft_ms).not.toBeNull();
  });

  it('sends the system prompt, the history and the agent\'s model and temperature', async () => {
    const { user, chatId } = await userWithChat(c.t, { system_prompt: 'Answer in French.', temperature: 1.3 }, 'Test');
    await send(user.auth, { chat_id: chatId, content: 'first', stream: false }).expect(201);
    await send(user.auth, { chat_id: chatId, content: 'second', stream: false }).expect(201);
    const last = c.sim.chatRequests().at(-1)!.body as ChatCompletionRequest;
    expect(last).toMatchObject({ model: 'sim-chat', temperature: 1.3, stream: true });
    expect(last.messages).toEqual([
      { role: 'system', content: 'Answer in French.' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'Echo: first' },
      { role: 'user', content: 'second' },
    ]);
  });

  it('answers with the final message when stream is false', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Test');
    const sent = await send(user.auth, { chat_id: chatId, content: 'all at once', stream: false }).expect(201);
    expect(sent.body.assistant_message).toMatchObject({ status: 'complete', content: 'Echo: all at once' });
    const list = await c.t.http().get(`/api/messages/chat/${chatId}`).set(user.auth).expect(200);
    expect(list.body.items.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
  });

  it('sends tokens that arrive together as one event, the first at once, their seqs and text intact', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Test');
    c.sim.reply = () => `Echo: ${words(60)}`;
    c.sim.ttftMs = 300;
    // The upstream sends every token in one burst.
    c.sim.interTokenMs = 0;
    await send(user.auth, { chat_id: chatId, content: 'burst' }).expect(201);
    const { events } = await readSse(`${c.t.url}/api/messages/stream/${chatId}`, {
      headers: { Authorization: user.auth.Authorization },
      until: (e) => e.event !== 'token',
    });
    const received = tokens(events);
    const count = received.at(-1)!.seq;
    expect(tokenSeqs(received)).toEqual(oneTo(count));
    expect(received[0]).toMatchObject({ first_seq: 1, seq: 1 });
    expect(received.length).toBeLessThan(count);
    expect(events.at(-1)).toMatchObject({ event: 'done', id: expect.stringMatching(new RegExp(`:${count + 1}$`)) });
    expect(received.map((e) => e.delta).join('')).toBe((events.at(-1)!.data as { content: string }).content);
  });

  it('resumes with Last-Event-ID with no gap and no duplicate', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Test');
    c.sim.reply = () => `Echo: ${words(40)}`;
    c.sim.ttftMs = 300;
    c.sim.interTokenMs = 20;
    const sent = await send(user.auth, { chat_id: chatId, content: 'long one' }).expect(201);
    const url = `${c.t.url}/api/messages/stream/${chatId}`;
    const headers = { Authorization: user.auth.Authorization };
    const first = await readSse(url, { headers, until: (_e, all) => tokenSeqs(tokens(all)).length >= 5 });
    const lastId = first.events.at(-1)!.id!;
    expect(lastId).toBe(`${sent.body.assistant_message.id}:${tokens(first.events).at(-1)!.seq}`);
    const rest = await readSse(url, { headers: { ...headers, 'Last-Event-ID': lastId }, until: (e) => e.event !== 'token' });
    const all = [...tokens(first.events), ...tokens(rest.events)];
    expect(tokenSeqs(all)).toEqual(oneTo(all.at(-1)!.seq));
    const done = rest.events.at(-1)!;
    expect(done.event).toBe('done');
    expect(all.map((e) => e.delta).join('')).toBe((done.data as { content: string }).content);
  });

  it('completes and stores the answer when every client has gone', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Test');
    c.sim.reply = () => `Echo: ${words(20)}`;
    c.sim.interTokenMs = 10;
    const sent = await send(user.auth, { chat_id: chatId, content: 'bye' }).expect(201);
    await readSse(`${c.t.url}/api/messages/stream/${chatId}`, {
      headers: { Authorization: user.auth.Authorization },
      until: (_e, all) => tokens(all).length >= 2,
    });
    const row = await final(sent.body.assistant_message.id);
    expect(row).toMatchObject({ status: 'complete', content: `Echo: ${words(20)}` });
    // With nothing in flight, the stream replays the latest answer as it was
    // streamed (a client a moment too late misses nothing), then closes.
    const after = await readSse(`${c.t.url}/api/messages/stream/${chatId}`, { headers: { Authorization: user.auth.Authorization } });
    const replayed = tokens(after.events);
    expect(tokenSeqs(replayed)).toEqual(oneTo(replayed.at(-1)!.seq));
    expect(replayed.map((t) => t.delta).join('')).toBe(row.content);
    expect(after.events.at(-1)?.event).toBe('done');
    // Last-Event-ID resumes an ended answer too: only what came after it.
    const resumed = await readSse(`${c.t.url}/api/messages/stream/${chatId}`, {
      headers: { Authorization: user.auth.Authorization, 'Last-Event-ID': `${row.id}:${replayed.at(-1)!.seq}` },
    });
    expect(resumed.events.map((e) => e.event)).toEqual(['done']);
  });

  it('stops an answer, keeping the partial text, and aborts the upstream request', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Test');
    c.sim.reply = () => `Echo: ${words(200)}`;
    c.sim.interTokenMs = 20;
    const sent = await send(user.auth, { chat_id: chatId, content: 'go on' }).expect(201);
    const id = sent.body.assistant_message.id;
    await waitFor(() => stored(id), (m) => m.content.length > 0);
    const stopped = await c.t.http().post(`/api/messages/${id}/stop`).set(user.auth).expect(200);
    expect(stopped.body.status).toBe('stopped');
    expect(stopped.body.content.length).toBeGreaterThan(0);
    expect(`Echo: ${words(200)}`.startsWith(stopped.body.content)).toBe(true);
    expect(stopped.body.content.length).toBeLessThan(`Echo: ${words(200)}`.length);
    await waitFor(async () => c.sim.chatRequests().at(-1)!.aborted, (aborted) => aborted);
  });

  it('regenerates an answer to the same user message and keeps the old one', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Test');
    const sent = await send(user.auth, { chat_id: chatId, content: 'again', stream: false }).expect(201);
    c.sim.reply = () => 'A better answer';
    const again = await c.t.http().post(`/api/messages/${sent.body.assistant_message.id}/regenerate`).set(user.auth).expect(201);
    expect(again.body).toMatchObject({ status: 'streaming', parent_id: sent.body.user_message.id });
    const row = await final(again.body.id);
    expect(row.content).toBe('A better answer');
    expect((await stored(sent.body.assistant_message.id)).content).toBe('Echo: again');
    const request = c.sim.chatRequests().at(-1)!.body as ChatCompletionRequest;
    expect(request.messages.map((m) => m.content)).toEqual(['You are terse.', 'again']);
  });

  it('refuses sends to a chat whose agent was deleted (409) and bad input (422), storing nothing', async () => {
    const { user, chatId, agentId } = await userWithChat(c.t, {}, 'Test');
    await send(user.auth, { chat_id: chatId, content: '' }).expect(422);
    await send(user.auth, { chat_id: chatId, content: 'x'.repeat(32_001) }).expect(422);
    await send(user.auth, { chat_id: chatId, content: 'hi', role: 'system' }).expect(422);
    await send(user.auth, { chat_id: chatId, content: 'hi', document_ids: [999999] }).expect(404);
    await c.t.http().delete(`/api/agents/${agentId}`).set(user.auth).expect(204);
    const refused = await send(user.auth, { chat_id: chatId, content: 'hi' }).expect(409);
    expect(refused.body.detail).toMatch(/agent was deleted/);
    expect(await c.t.app.get(DataSource).getRepository(Message).countBy({ chat_id: chatId })).toBe(0);
  });

  it('makes another user\'s chat and messages 404 for send, stream, list, stop and regenerate', async () => {
    const owner = await userWithChat(c.t, {}, 'Test');
    const intruder = await userWithChat(c.t, {}, 'Test');
    const sent = await send(owner.user.auth, { chat_id: owner.chatId, content: 'private', stream: false }).expect(201);
    await send(intruder.user.auth, { chat_id: owner.chatId, content: 'hi' }).expect(404);
    const stream = await readSse(`${c.t.url}/api/messages/stream/${owner.chatId}`, { headers: { Authorization: intruder.user.auth.Authorization } });
    expect(stream.status).toBe(404);
    await c.t.http().get(`/api/messages/chat/${owner.chatId}`).set(intruder.user.auth).expect(404);
    await c.t.http().post(`/api/messages/${sent.body.assistant_message.id}/stop`).set(intruder.user.auth).expect(404);
    await c.t.http().post(`/api/messages/${sent.body.assistant_message.id}/regenerate`).set(intruder.user.auth).expect(404);
    await c.t.http().get(`/api/messages/stream/${owner.chatId}`).expect(401);
  });

  it('names the chat after its first exchange', async () => {
    const { user, chatId } = await userWithChat(c.t);
    c.sim.reply = (request) => (request.max_tokens === 24 ? '"Budget planning 2027."' : 'Sure, here is a plan.');
    await send(user.auth, { chat_id: chatId, content: 'Help me plan the 2027 budget', stream: false }).expect(201);
    const chat = await waitFor(
      async () => (await c.t.http().get(`/api/chats/${chatId}`).set(user.auth).expect(200)).body,
      (body) => body.title !== 'New chat',
    );
    expect(chat.title).toBe('Budget planning 2027');
  });
});
