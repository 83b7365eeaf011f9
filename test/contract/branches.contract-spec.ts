import { ChatApp, startChatApp } from '../support/chat-app';
import { conformance, ok, signUpClient } from './client';

/** The message tree through the generated client: edit, switch branch, regenerate, fork, each response as documented. */
describe('Contract: branches', () => {
  let c: ChatApp;

  beforeAll(async () => {
    c = await startChatApp();
  });
  afterAll(() => c.close());

  it('edits a question, switches between the branches, regenerates and forks', async () => {
    const user = await signUpClient(c.t.url, 'brancher@example.org', 'BRA');
    const agent = ok(await user.POST('/api/agents', { body: { name: 'Helper', temperature: 0.7, is_public: false, learn_from_interaction: false } }));
    const chat = ok(await user.POST('/api/chats', { body: { agent_id: agent.id, title: 'Tree' } }));
    const sent = ok(await user.POST('/api/messages', { body: { chat_id: chat.id, content: 'first', stream: false } }));

    const edited = ok(
      await user.POST('/api/messages/{id}/edit', { params: { path: { id: sent.user_message.id } }, body: { content: 'first, edited', stream: false } }),
    );
    const siblings: number[] | undefined = edited.user_message.sibling_ids;
    expect(siblings).toEqual([sent.user_message.id, edited.user_message.id]);
    const temperature: number | null = edited.assistant_message.llm_temperature;
    expect(temperature).toBe(0.7);

    const switched = ok(
      await user.PUT('/api/chats/{id}/active-leaf', { params: { path: { id: chat.id } }, body: { message_id: sent.user_message.id } }),
    );
    expect(switched.active_leaf_id).toBe(sent.assistant_message.id);
    expect(switched.items.map((message) => message.content)).toEqual(['first', 'Echo: first']);

    const regenerated = ok(await user.POST('/api/messages/{id}/regenerate', { params: { path: { id: sent.assistant_message.id } } }));
    expect(regenerated.sibling_count).toBe(2);
    const fork = ok(await user.POST('/api/chats/{id}/fork', { params: { path: { id: chat.id } }, body: { message_id: sent.user_message.id } }));
    expect(fork.title).toBe('Tree (fork)');
    const listed = ok(await user.GET('/api/messages/chat/{chatId}', { params: { path: { chatId: fork.id } } }));
    expect(listed.items.map((message) => message.content)).toEqual(['first']);
    expect([...conformance]).toEqual([]);
  });
});
