import { DataSource } from 'typeorm';
import { ShareLink } from '#database';
import { signUp, SignedIn } from '../support/auth';
import { ChatApp, startChatApp, userWithChat } from '../support/chat-app';
import type { ChatCompletionRequest } from '../support/llm-simulator/llm-simulator';
import { SHARED_READS_PER_MINUTE } from '#sharing';

/** Every number of a JSON value, at any depth, but the messages' positions. */
function numbersOf(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbersOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => (key === 'position' ? [] : numbersOf(inner)));
  return [];
}

/** Every key of a JSON value, at any depth. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
  return [];
}

describe('Sharing: read-only snapshot links, revocation, expiry, fork', () => {
  let c: ChatApp;
  let alice: SignedIn;
  let aliceEmail: string;
  let chatId: number;
  let bob: SignedIn;

  const http = () => c.t.http();
  const send = (user: SignedIn, chat: number, content: string) =>
    http().post('/api/messages').set(user.auth).send({ chat_id: chat, content, stream: false }).expect(201);
  const share = (user: SignedIn, chat: number, body: object = {}) => http().post(`/api/chats/${chat}/shares`).set(user.auth).send(body);

  beforeAll(async () => {
    c = await startChatApp();
    aliceEmail = `alice-${process.pid}@example.org`;
    alice = await signUp(c.t, { email: aliceEmail });
    // Alice's agent is private: a viewer must pick one of theirs to continue.
    const agent = await http().post('/api/agents').set(alice.auth).send({ name: 'Alice helper', system_prompt: 'Be brief.' }).expect(201);
    chatId = (await http().post('/api/chats').set(alice.auth).send({ agent_id: agent.body.id, title: 'Trip planning' }).expect(201)).body.id;
    await send(alice, chatId, 'first question');
    await send(alice, chatId, 'second question');
    bob = await signUp(c.t);
  });
  afterEach(() => c.sim.reset());
  afterAll(() => c.close());

  it('is readable without an account, frozen at creation, and leaks no emails or ids', async () => {
    const created = await share(alice, chatId).expect(201);
    expect(created.body).toMatchObject({ url: `/api/shared/${created.body.token}`, expires_at: null });
    expect(created.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await send(alice, chatId, 'third question, after the link');
    const read = await http().get(created.body.url).expect(200);
    expect(read.headers['cache-control']).toBe('no-store');
    expect(read.body).toMatchObject({ title: 'Trip planning', agent: { name: 'Alice helper', avatar_url: null }, expires_at: null });
    expect(read.body.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['user', 'first question'],
      ['assistant', 'Echo: first question'],
      ['user', 'second question'],
      ['assistant', 'Echo: second question'],
    ]);
    expect(read.body.messages.map((m: { position: number }) => m.position)).toEqual([1, 2, 3, 4]);
    expect(read.body.messages[1]).toMatchObject({ llm_model: 'sim-chat', status: 'complete' });

    expect(read.text).not.toContain(aliceEmail);
    expect(read.text).not.toContain(created.body.token);
    // No field names an id, and the only numbers are the messages' positions: no chat, message, user or document id.
    expect(keysOf(read.body).filter((key) => /(^|_)ids?$|email|user/.test(key))).toEqual([]);
    expect(numbersOf(read.body)).toEqual([]);
  });

  it('answers the same 404 for unknown, malformed, revoked and expired links', async () => {
    await http().get(`/api/shared/${'x'.repeat(43)}`).expect(404);
    await http().get('/api/shared/short').expect(404);

    const revoked = (await share(alice, chatId).expect(201)).body;
    await http().get(revoked.url).expect(200);
    await http().delete(`/api/shares/${revoked.id}`).set(bob.auth).expect(404);
    await http().get(revoked.url).expect(200);
    await http().delete(`/api/shares/${revoked.id}`).set(alice.auth).expect(204);
    await http().delete(`/api/shares/${revoked.id}`).set(alice.auth).expect(204);
    const gone = await http().get(revoked.url).expect(404);

    const expiring = (await share(alice, chatId, { expires_in_days: 1 }).expect(201)).body;
    expect(new Date(expiring.expires_at).getTime()).toBeGreaterThan(Date.now());
    await http().get(expiring.url).expect(200);
    await c.t.app.get(DataSource).getRepository(ShareLink).update(expiring.id, { expires_at: new Date(Date.now() - 1000) });
    const expired = await http().get(expiring.url).expect(404);
    expect(expired.body).toEqual(gone.body);
    await http().post(`${expiring.url}/fork`).set(bob.auth).send({}).expect(404);
  });

  it('validates the expiry', async () => {
    await share(alice, chatId, { expires_at: new Date(Date.now() - 60_000).toISOString() }).expect(422);
    await share(alice, chatId, { expires_at: 'tomorrow' }).expect(422);
    await share(alice, chatId, { expires_in_days: 0 }).expect(422);
    await share(alice, chatId, { expires_in_days: 1, expires_at: new Date(Date.now() + 86_400_000).toISOString() }).expect(422);
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const created = await share(alice, chatId, { expires_at: at }).expect(201);
    expect(new Date(created.body.expires_at).toISOString()).toBe(at);
  });

  it("lists my links without tokens; another user cannot see, list or share my chat's", async () => {
    const made = (await share(alice, chatId).expect(201)).body;
    const mine = await http().get('/api/shares?limit=100').set(alice.auth).expect(200);
    expect(mine.body.items[0]).toMatchObject({ id: made.id, chat_id: chatId, chat_title: 'Trip planning', revoked_at: null, message_count: 6 });
    const ids = mine.body.items.map((item: { id: number }) => item.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(mine.text).not.toContain(made.token);
    expect(keysOf(mine.body)).not.toContain('token');
    const forChat = await http().get(`/api/chats/${chatId}/shares?limit=1`).set(alice.auth).expect(200);
    expect(forChat.body.items).toHaveLength(1);
    expect(forChat.body.next_before).toBe(made.id);

    const bobs = await http().get('/api/shares').set(bob.auth).expect(200);
    expect(bobs.body.items).toEqual([]);
    await http().get(`/api/chats/${chatId}/shares`).set(bob.auth).expect(404);
    await share(bob, chatId).expect(404);
    await http().get('/api/shares').expect(401);
    await http().post(`/api/chats/${chatId}/shares`).send({}).expect(401);
  });

  it("forks into the viewer's account, whose next prompt holds the shared path", async () => {
    const link = (await share(alice, chatId).expect(201)).body;
    await send(alice, chatId, 'a question after this link');
    const shared = (await http().get(link.url).expect(200)).body.messages.map(({ role, content }: { role: string; content: string }) => ({ role, content }));
    expect(shared).toHaveLength(6);
    await http().post(`${link.url}/fork`).send({}).expect(401);
    const refused = await http().post(`${link.url}/fork`).set(bob.auth).send({}).expect(422);
    expect(JSON.stringify(refused.body)).toContain('agent_id');

    const bobAgent = (await http().post('/api/agents').set(bob.auth).send({ name: 'Bob helper', system_prompt: 'Be kind.' }).expect(201)).body.id;
    const forked = await http().post(`${link.url}/fork`).set(bob.auth).send({ agent_id: bobAgent }).expect(201);
    expect(forked.body).toMatchObject({ title: 'Trip planning', user_id: bob.id, agent_id: bobAgent });
    await http().get(`/api/chats/${forked.body.id}`).set(alice.auth).expect(404);

    await send(bob, forked.body.id, 'and then?');
    const prompt = (c.sim.chatRequests().at(-1)!.body as ChatCompletionRequest).messages;
    expect(prompt).toEqual([{ role: 'system', content: 'Be kind.' }, ...shared, { role: 'user', content: 'and then?' }]);
  });

  it("keeps the shared chat's agent when the viewer may use it", async () => {
    // Alice is the first user, so an admin: she may publish an agent.
    const agentId = (await http().post('/api/agents').set(alice.auth).send({ name: 'Open helper', visibility: 'public' }).expect(201)).body.id;
    const publicChat = (await http().post('/api/chats').set(alice.auth).send({ agent_id: agentId, title: 'Public one' }).expect(201)).body.id;
    await send(alice, publicChat, 'hello');
    const link = (await share(alice, publicChat).expect(201)).body;
    const forked = await http().post(`${link.url}/fork`).set(bob.auth).send({}).expect(201);
    expect(forked.body).toMatchObject({ agent_id: agentId, user_id: bob.id, title: 'Public one' });
    await http().post(`${link.url}/fork`).set(bob.auth).send({ agent_id: 999_999 }).expect(404);
  });

  it('dies with its chat', async () => {
    const { user, chatId: doomed } = await userWithChat(c.t, {}, 'Doomed');
    await send(user, doomed, 'hi');
    const link = (await share(user, doomed).expect(201)).body;
    await http().get(link.url).expect(200);
    await http().delete(`/api/chats/${doomed}`).set(user.auth).expect(204);
    await http().get(link.url).expect(404);
    expect((await http().get('/api/shares').set(user.auth).expect(200)).body.items).toEqual([]);
  });

  it('refuses to share an empty chat', async () => {
    const { user, chatId: empty } = await userWithChat(c.t, {}, 'Empty');
    await share(user, empty).expect(409);
  });

  // Last: it spends this address's allowance of shared-link requests.
  it('limits shared-link requests per address', async () => {
    const link = (await share(alice, chatId).expect(201)).body;
    let status = 200;
    let retryAfter: string | undefined;
    for (let i = 0; i <= SHARED_READS_PER_MINUTE && status !== 429; i++) {
      const read = await http().get(link.url);
      status = read.status;
      retryAfter = read.headers['retry-after'];
    }
    expect(status).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Unknown tokens count too: guessing is as slow as reading.
    await http().get(`/api/shared/${'y'.repeat(43)}`).expect(429);
  });
});
