import { ChatApp, startChatApp } from '../support/chat-app';
import { Api, apiClient, conformance, ok, signUpClient } from './client';

/** Share links through the generated client: every response must match its documented schema. */
describe('Contract: share links', () => {
  let c: ChatApp;
  let anonymous: Api;

  beforeAll(async () => {
    c = await startChatApp();
    anonymous = apiClient(c.t.url);
  });
  afterAll(() => c.close());

  const signUp = (email: string, trigramme: string) => signUpClient(c.t.url, email, trigramme);

  it('shares, reads without an account, lists, forks and revokes', async () => {
    const owner = await signUp('owner@example.org', 'OWN');
    const viewer = await signUp('viewer@example.org', 'VIE');
    const agent = ok(await owner.POST('/api/agents', { body: { name: 'Private helper', temperature: 0.3, is_public: false, learn_from_interaction: false } }));
    const chat = ok(await owner.POST('/api/chats', { body: { agent_id: agent.id, title: 'Shared one' } }));
    ok(await owner.POST('/api/messages', { body: { chat_id: chat.id, content: 'hello there', stream: false } }));

    const created = await owner.POST('/api/chats/{id}/shares', { params: { path: { id: chat.id } }, body: { expires_in_days: 7 } });
    expect(created.response.status).toBe(201);
    const link = ok(created);
    expect(link.url).toBe(`/api/shared/${link.token}`);

    const read = ok(await anonymous.GET('/api/shared/{token}', { params: { path: { token: link.token } } }));
    expect(read.messages.map((m) => m.content)).toEqual(['hello there', 'Echo: hello there']);
    const expires: string | null = read.expires_at;
    expect(expires).not.toBeNull();

    const mine = ok(await owner.GET('/api/shares'));
    expect(mine.items.map((item) => [item.id, item.message_count])).toEqual([[link.id, 2]]);
    const ofChat = ok(await owner.GET('/api/chats/{id}/shares', { params: { path: { id: chat.id } } }));
    expect(ofChat.items.map((item) => item.chat_title)).toEqual(['Shared one']);

    const refused = await viewer.POST('/api/shared/{token}/fork', { params: { path: { token: link.token } }, body: {} });
    expect(refused.response.status).toBe(422);
    const own = ok(await viewer.POST('/api/agents', { body: { name: 'Mine', temperature: 0.3, is_public: false, learn_from_interaction: false } }));
    const forked = ok(await viewer.POST('/api/shared/{token}/fork', { params: { path: { token: link.token } }, body: { agent_id: own.id } }));
    expect(forked).toMatchObject({ title: 'Shared one', agent_id: own.id });

    expect((await owner.DELETE('/api/shares/{id}', { params: { path: { id: link.id } } })).response.status).toBe(204);
    const gone = await anonymous.GET('/api/shared/{token}', { params: { path: { token: link.token } } });
    expect(gone.response.status).toBe(404);
    expect([...conformance]).toEqual([]);
  });
});
