import { ChatApp, startChatApp } from '../support/chat-app';
import { conformance, ok, signUpClient } from './client';

/** Organising chats and their model options through the generated client: every response must match its documented schema. */
describe('Contract: organising chats', () => {
  let c: ChatApp;

  beforeAll(async () => {
    c = await startChatApp();
  });
  afterAll(() => c.close());

  const signUp = (email: string, trigramme: string) => signUpClient(c.t.url, email, trigramme);

  it('pins, archives, tags, overrides the model options, lists with filters and acts in bulk', async () => {
    const user = await signUp('organiser@example.org', 'ORG');
    const agent = ok(await user.POST('/api/agents', { body: { name: 'Helper', temperature: 0.7, is_public: false, learn_from_interaction: false } }));
    const chat = ok(await user.POST('/api/chats', { body: { agent_id: agent.id, title: 'Taxes', temperature: 0.2 } }));
    const other = ok(await user.POST('/api/chats', { body: { agent_id: agent.id } }));
    const effective: number | null = chat.effective_temperature;
    expect(effective).toBe(0.2);

    const patched = ok(
      await user.PATCH('/api/chats/{id}', { params: { path: { id: chat.id } }, body: { pinned: true, tags: ['work'], max_output_tokens: 64 } }),
    );
    expect(patched).toMatchObject({ pinned: true, tags: ['work'], max_output_tokens: 64, effective_max_output_tokens: 64 });
    const refused = await user.PATCH('/api/chats/{id}', { params: { path: { id: chat.id } }, body: { model: 'no-such-model' } });
    expect(refused.response.status).toBe(422);

    const pinned = ok(await user.GET('/api/chats', { params: { query: { pinned: true, tag: 'work', archived: 'all' } } }));
    expect(pinned.items.map((item) => item.id)).toEqual([chat.id]);
    const tags = ok(await user.GET('/api/chats/tags'));
    expect(tags.items).toEqual([{ tag: 'work', count: 1, archived_count: 0 }]);

    const bulk = ok(await user.POST('/api/chats/bulk', { body: { action: 'archive', chat_ids: [other.id, 999_999] } }));
    expect(bulk).toEqual({ affected: 1, not_found: [999_999] });
    const archived = ok(await user.GET('/api/chats', { params: { query: { archived: 'true' } } }));
    const archivedAt: string | null = archived.items[0].archived_at;
    expect(archivedAt).not.toBeNull();
    expect(ok(await user.POST('/api/chats/bulk', { body: { action: 'delete', chat_ids: [other.id] } })).affected).toBe(1);
    expect([...conformance]).toEqual([]);
  });
});
