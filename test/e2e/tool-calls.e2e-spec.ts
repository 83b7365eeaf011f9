import type { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { DataSource } from 'typeorm';
import { Message } from '#database';
import type { AnswerPart } from '#database';
import type { SignedIn } from '../support/auth';
import { ChatApp, startChatApp, userWithChat, waitFor } from '../support/chat-app';
import type { ChatCompletionRequest, ChatMessage } from '../support/llm-simulator/llm-simulator';
import { EVERYTHING, nextPosted, startHttpEverything, startRecordingProxy } from '../support/mcp/everything';
import type { HttpEverything } from '../support/mcp/everything';
import { HostileMcpServer } from '../support/mcp/hostile-mcp-server';
import { connectSocket, once, requestOk } from '../support/socket-client';
import { readSse, SseEvent } from '../support/sse';

const TOOL_TIMEOUT_SECONDS = 2;

/** A chat completion request as the simulator received it, with the tools it was offered. */
interface Asked {
  messages: ChatMessage[];
  tools?: { function: { name: string } }[];
}
const MAX_RESULT_BYTES = 2000;
const TOOL_CALLS_PER_MINUTE = 5;

/**
 * The tool loop inside answers, against real MCP servers from npm
 * (server-everything over stdio and over Streamable HTTP) and a hostile one
 * written for the test; the LLM is the simulator, whose `[[tool NAME ARGS]]`
 * trigger makes it call tools (README "The simulator").
 */
describe('Tools: MCP tool calls run by the server inside the answer', () => {
  let c: ChatApp;
  let admin: SignedIn;
  let hostile: HostileMcpServer;
  let everythingHttp: HttpEverything;
  let proxy: { url: string; posted: EventEmitter; server: Server };
  const servers: Record<string, number> = {};

  beforeAll(async () => {
    hostile = await HostileMcpServer.start();
    everythingHttp = await startHttpEverything();
    proxy = await startRecordingProxy(everythingHttp.url);
    c = await startChatApp({
      MCP_ALLOW_STDIO: 'true',
      MCP_TOOL_TIMEOUT_SECONDS: String(TOOL_TIMEOUT_SECONDS),
      MCP_MAX_RESULT_BYTES: String(MAX_RESULT_BYTES),
      MCP_TOOL_CALLS_PER_MINUTE: String(TOOL_CALLS_PER_MINUTE),
      MAX_CONCURRENT_GENERATIONS: '10',
      ADMIN_EMAIL: 'tools-admin@example.org',
      ADMIN_TRIGRAMME: 'TAD',
      ADMIN_PASSWORD: 'bootstrap password',
    });
    const login = await c.t.http().post('/api/auth/login').send({ email: 'tools-admin@example.org', password: 'bootstrap password' }).expect(200);
    admin = { id: login.body.user.id, token: login.body.access_token, auth: { Authorization: `Bearer ${login.body.access_token}` } };
    const register = async (body: object) => (await c.t.http().post('/api/admin/mcp-servers').set(admin.auth).send({ visibility: 'everyone', ...body }).expect(201)).body.id as number;
    servers.everything = await register({ name: 'everything', transport: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'] });
    servers.http = await register({ name: 'everything-http', transport: 'http', url: proxy.url });
    servers.hostile = await register({ name: 'hostile', transport: 'http', url: hostile.url });
  });
  afterEach(() => c.sim.reset());
  afterAll(async () => {
    await c.close();
    await hostile.close();
    proxy.server.closeAllConnections();
    proxy.server.close();
    everythingHttp.child.kill();
  });

  const stored = (id: number) => c.t.app.get(DataSource).getRepository(Message).findOneByOrFail({ id });
  const final = (id: number) => waitFor(() => stored(id), (m) => m.status !== 'streaming', 20_000);
  const isEnd = (e: SseEvent) => e.event === 'done' || e.event === 'error';

  /** A user with a chat on an agent allowed `tools` ([server, tool] pairs). */
  async function chatWithTools(tools: [string, string][]) {
    const chat = await userWithChat(c.t, {}, 'Tools');
    await c.t
      .http()
      .put(`/api/agents/${chat.agentId}/tools`)
      .set(chat.user.auth)
      .send({ tools: tools.map(([server, tool]) => ({ server_id: servers[server], tool })) })
      .expect(200);
    return chat;
  }

  const send = (user: SignedIn, chatId: number, content: string) =>
    c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content }).expect(201);

  const stream = (user: SignedIn, chatId: number, headers: Record<string, string> = {}, until = isEnd) =>
    readSse(`${c.t.url}/api/messages/stream/${chatId}`, { headers: { Authorization: user.auth.Authorization, ...headers }, until, timeoutMs: 20_000 });

  /** What a client shows: event names in order, with the tool parts' essentials. */
  const shown = (events: SseEvent[]) =>
    events.map((e) => {
      const data = e.data as { call_id?: string; ok?: boolean; delta?: string };
      return e.event === 'token' ? `token ${data.delta}` : e.event.startsWith('tool_') ? `${e.event} ${data.call_id} ${data.ok ?? ''}` : e.event;
    });

  it('calls an allowed tool of server-everything, stores the call, its result and the final text, and replays them in order to a second client', async () => {
    const { user, chatId } = await chatWithTools([['everything', 'get-sum']]);
    const { socket } = await connectSocket(c.t.url, { auth: { token: user.token } });
    await requestOk(socket, 'join_chat', { chat_id: chatId });
    const onSocket = Promise.all([once(socket, 'message_tool_call', 20_000), once(socket, 'message_tool_result', 20_000), once(socket, 'message_done', 20_000)]);
    // Slow enough to start that the first reader joins before the tool runs, and the second before the final text.
    c.sim.ttftMs = 600;
    const sent = await send(user, chatId, 'How much is 2 + 3? [[tool everything__get-sum {"a": 2, "b": 3}]]');
    const answerId = sent.body.assistant_message.id as number;

    const first = await stream(user, chatId);
    const names = first.events.map((e) => e.event);
    expect(names.slice(0, 2)).toEqual(['tool_call', 'tool_result']);
    expect(names.at(-1)).toBe('done');
    expect(first.events[0].data).toMatchObject({ message_id: answerId, seq: 1, call_id: 'call_1', server: 'everything', tool: 'get-sum', arguments: { a: 2, b: 3 } });
    expect(first.events[1].data).toMatchObject({ seq: 2, call_id: 'call_1', ok: true, content: expect.stringContaining('5') });

    // The model was offered the tool, then given its result.
    const [asked, answered] = c.sim.chatRequests().map((r) => r.body as Asked);
    expect(asked.tools?.map((tool) => tool.function.name)).toEqual(['everything__get-sum']);
    expect(answered.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_1', content: expect.stringContaining('5') });

    const message = await final(answerId);
    expect(message.status).toBe('complete');
    expect(message.content).toMatch(/^Tool results: everything__get-sum: .*5/);
    const parts = message.parts as AnswerPart[];
    expect(parts.map((part) => part.type)).toEqual(['tool_call', 'tool_result', 'text']);
    expect(parts[1]).toMatchObject({ ok: true, duration_ms: expect.any(Number) });
    expect(parts[2]).toEqual({ type: 'text', text: message.content });
    expect((first.events.at(-1)!.data as { parts: AnswerPart[] }).parts).toEqual(parts);

    // A client resuming after the tool call gets the rest, the same events in the same order; one arriving late gets them all.
    const resumed = await stream(user, chatId, { 'Last-Event-ID': first.events[0].id! });
    expect(shown(resumed.events)).toEqual(shown(first.events.slice(1)));
    const late = await stream(user, chatId);
    expect(shown(late.events)).toEqual(shown(first.events));

    // Socket clients get the same parts as they happen.
    const [socketCall, socketResult, socketDone] = await onSocket;
    expect(socketCall).toMatchObject({ chat_id: chatId, message_id: answerId, seq: 1, type: 'tool_call', tool: 'get-sum', call_id: 'call_1' });
    expect(socketResult).toMatchObject({ chat_id: chatId, message_id: answerId, seq: 2, type: 'tool_result', ok: true });
    expect(socketDone.message.parts).toEqual(parts);
    socket.close();

    // The message pages show the parts; the call is audited.
    const page = await c.t.http().get(`/api/messages/chat/${chatId}`).set(user.auth).expect(200);
    expect(page.body.items.at(-1).parts).toEqual(parts);
    const audit = await c.t.http().get('/api/admin/audit').query({ action: 'tool.call' }).set(admin.auth).expect(200);
    expect(audit.body.items.find((entry: { details: { message_id: number } }) => entry.details.message_id === answerId)).toMatchObject({
      outcome: 'success',
      actor_id: user.id,
      target_type: 'agent',
      details: { server: 'everything', tool: 'get-sum', arguments: { a: 2, b: 3 } },
    });
  });

  it('keeps running when its only reader leaves mid-loop: the answer completes with its parts', async () => {
    const { user, chatId } = await chatWithTools([['everything', 'echo']]);
    c.sim.ttftMs = 300;
    const sent = await send(user, chatId, '[[tool everything__echo {"message": "still here"}]]');
    const left = await stream(user, chatId, {}, (e) => e.event === 'tool_call');
    expect(left.events.map((e) => e.event)).toEqual(['tool_call']);
    const message = await final(sent.body.assistant_message.id);
    expect(message).toMatchObject({ status: 'complete', content: expect.stringContaining('still here') });
    expect((message.parts as AnswerPart[]).map((part) => part.type)).toEqual(['tool_call', 'tool_result', 'text']);
  });

  it('stops during the long-running tool: the call is cancelled at the MCP server and the answer ends stopped with its parts', async () => {
    const { user, chatId } = await chatWithTools([['http', 'trigger-long-running-operation']]);
    const called = nextPosted(proxy.posted, (m) => m.method === 'tools/call' && m.params?.name === 'trigger-long-running-operation');
    const sent = await send(user, chatId, '[[tool everything-http__trigger-long-running-operation {"duration": 30, "steps": 30}]]');
    const call = await called;
    const cancelled = nextPosted(proxy.posted, (m) => m.method === 'notifications/cancelled');
    const stopped = await c.t.http().post(`/api/messages/${sent.body.assistant_message.id}/stop`).set(user.auth).expect(200);
    expect(stopped.body.status).toBe('stopped');
    expect((await cancelled).params?.requestId).toBe(call.id);

    const message = await final(sent.body.assistant_message.id);
    expect(message.status).toBe('stopped');
    const parts = message.parts as AnswerPart[];
    expect(parts.map((part) => part.type)).toEqual(['tool_call', 'tool_result']);
    expect(parts[1]).toMatchObject({ ok: false, error: expect.stringMatching(/cancel/i) });
    // The model was not asked again.
    expect(c.sim.chatRequests()).toHaveLength(1);
  });

  it('never offers a tool the agent is not allowed, and refuses a forged call to it with an error result', async () => {
    const { user, chatId } = await chatWithTools([['everything', 'get-sum']]);
    const sent = await send(user, chatId, '[[tool everything__echo {"message": "sneaky"}]]');
    const message = await final(sent.body.assistant_message.id);
    expect(message.status).toBe('complete');
    const [asked, answered] = c.sim.chatRequests().map((r) => r.body as Asked);
    expect(asked.tools?.map((tool) => tool.function.name)).toEqual(['everything__get-sum']);
    const parts = message.parts as AnswerPart[];
    expect(parts[0]).toMatchObject({ type: 'tool_call', server: null, tool: 'everything__echo' });
    expect(parts[1]).toMatchObject({ type: 'tool_result', ok: false, error: expect.stringContaining('not available') });
    expect(answered.messages.at(-1)).toMatchObject({ role: 'tool', content: expect.stringContaining('not available') });
    expect(message.content).toContain('not available');
    const audit = await c.t.http().get('/api/admin/audit').query({ action: 'tool.call', outcome: 'denied' }).set(admin.auth).expect(200);
    expect(audit.body.items.some((entry: { details: { message_id: number } }) => entry.details.message_id === sent.body.assistant_message.id)).toBe(true);
  });

  it('ends cleanly through a hostile server: slow, huge, junk and schema-violating calls become results the model and the user see', async () => {
    const { user, chatId } = await chatWithTools([['hostile', 'slow'], ['hostile', 'huge'], ['hostile', 'junk'], ['hostile', 'strict']]);
    const sent = await send(user, chatId, '[[tool hostile__slow {}]] [[tool hostile__huge {}]] [[tool hostile__junk {}]] [[tool hostile__strict {"n": "not a number"}]]');
    const message = await final(sent.body.assistant_message.id);
    expect(message.status).toBe('complete');
    const results = (message.parts as AnswerPart[]).filter((part) => part.type === 'tool_result');
    const byCall = Object.fromEntries(results.map((result) => [result.call_id, result]));
    expect(byCall.call_1).toMatchObject({ ok: false, error: expect.stringMatching(/did not answer within 2 s/) });
    expect(byCall.call_2).toMatchObject({ ok: true, truncated: true });
    expect(Buffer.byteLength(byCall.call_2.content ?? '')).toBeLessThanOrEqual(MAX_RESULT_BYTES);
    expect(byCall.call_3).toMatchObject({ ok: false, error: expect.any(String) });
    expect(byCall.call_4).toMatchObject({ ok: false, error: expect.stringMatching(/argument/i) });
    // Refused before the call: the server never saw it.
    expect(hostile.strictCalls).toEqual([]);
    // The model got every outcome, errors included, and its text quotes them.
    const answered = c.sim.chatRequests().at(-1)!.body as ChatCompletionRequest;
    const toolMessages = answered.messages.filter((m) => m.role === 'tool');
    expect(toolMessages.map((m) => m.tool_call_id)).toEqual(['call_1', 'call_2', 'call_3', 'call_4']);
    expect(toolMessages.filter((m) => String(m.content).startsWith('Error: '))).toHaveLength(3);
    expect(message.content).toContain('hostile__strict: Error:');
  });

  it('lets a tool that reports progress run past the timeout between reports', async () => {
    const { user, chatId } = await chatWithTools([['everything', 'trigger-long-running-operation']]);
    // Three seconds in six steps: longer than the 2 s timeout, with progress every half second.
    const sent = await send(user, chatId, '[[tool everything__trigger-long-running-operation {"duration": 3, "steps": 6}]]');
    const message = await final(sent.body.assistant_message.id);
    expect((message.parts as AnswerPart[])[1]).toMatchObject({ type: 'tool_result', ok: true, content: expect.stringContaining('completed') });
  });

  it("counts tool calls against the user's per-minute limit: calls past it get an error result", async () => {
    const { user, chatId } = await chatWithTools([['everything', 'echo']]);
    const triggers = Array.from({ length: TOOL_CALLS_PER_MINUTE + 1 }, (_, i) => `[[tool everything__echo {"message": "m${i}"}]]`);
    const sent = await send(user, chatId, triggers.join(' '));
    const message = await final(sent.body.assistant_message.id);
    const results = (message.parts as AnswerPart[]).filter((part) => part.type === 'tool_result');
    expect(results.filter((result) => result.ok)).toHaveLength(TOOL_CALLS_PER_MINUTE);
    expect(results.filter((result) => !result.ok)).toEqual([expect.objectContaining({ error: `Too many tool calls: at most ${TOOL_CALLS_PER_MINUTE} a minute` })]);
  });
});
