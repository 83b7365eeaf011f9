import { ChatApp, startChatApp } from '../support/chat-app';
import { conformance, matches, ok, signUpClient } from './client';

/** Export and import through the generated client: the JSON exports must match their documented schemas. */
describe('Contract: export and import of chats', () => {
  let c: ChatApp;

  beforeAll(async () => {
    c = await startChatApp();
  });
  afterAll(() => c.close());

  it('exports a chat and all chats as documented, and imports the export back', async () => {
    const user = await signUpClient(c.t.url, 'mover@example.org', 'MOV');
    const agent = ok(await user.POST('/api/agents', { body: { name: 'Mover', temperature: 0.7, is_public: false, learn_from_interaction: false } }));
    const chat = ok(await user.POST('/api/chats', { body: { agent_id: agent.id, title: 'Moving' } }));
    ok(await user.POST('/api/messages', { body: { chat_id: chat.id, content: 'hello there', stream: false } }));

    const one = ok(await user.GET('/api/chats/{id}/export', { params: { path: { id: chat.id }, query: { format: 'json' } } }));
    expect(matches(one, 'ChatExport', 'GET /api/chats/{id}/export')).toBe(true);
    if (!matches(one, 'ChatExport', 'export')) return;
    expect(one.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(one.chat.active_leaf).toBe(one.messages[1].id);

    const all = await user.GET('/api/chats/export', { parseAs: 'text' });
    expect(all.response.status).toBe(200);
    const archive: unknown = JSON.parse(String(all.data));
    expect(matches(archive, 'ChatsExport', 'GET /api/chats/export')).toBe(true);

    const markdown = await user.GET('/api/chats/{id}/export', { params: { path: { id: chat.id }, query: { format: 'markdown' } }, parseAs: 'text' });
    expect(String(markdown.data)).toContain('**Assistant**');

    const imported = ok(
      await user.POST('/api/chats/import', {
        body: { file: 'chat.json' },
        bodySerializer: () => {
          const form = new FormData();
          form.append('file', new Blob([JSON.stringify(one)], { type: 'application/json' }), 'chat.json');
          return form;
        },
      }),
    );
    expect(imported.imported).toBe(1);
    const copy = ok(await user.GET('/api/chats/{id}/export', { params: { path: { id: imported.chat_ids[0] } } }));
    if (!matches(copy, 'ChatExport', 'export of the copy')) return;
    expect(copy.messages.map((message) => message.content)).toEqual(one.messages.map((message) => message.content));
    expect([...conformance]).toEqual([]);
  });
});
