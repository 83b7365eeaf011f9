import type { Chat, Message } from '#database';
import { snapshotOf } from './share-snapshot';

const at = new Date('2026-11-30T10:00:00Z');
const chat = { id: 7, title: 'Budget', user_id: 3, agent: { id: 2, name: 'Helper', avatar_url: null }, created_at: at } as unknown as Chat;
const message = (fields: Partial<Message>) =>
  ({ id: 40, chat_id: 7, parent_id: 39, status: 'complete', llm_model: null, citations: null, document_ids: null, created_at: at, ...fields }) as Message;

describe('snapshotOf', () => {
  it('keeps what a reader needs: positions instead of ids, citations without document or chunk ids', () => {
    const snapshot = snapshotOf(chat, [
      message({ role: 'user', content: 'How much?', document_ids: [5] }),
      message({
        role: 'assistant',
        content: 'Forty [1].',
        llm_model: 'sim-chat',
        citations: [{ index: 1, document_id: 5, filename: 'budget.pdf', page: 2, chunk_id: 99, score: 0.8, snippet: 'forty thousand' }],
      }),
    ]);
    expect(snapshot).toEqual({
      title: 'Budget',
      agent: { name: 'Helper', avatar_url: null },
      created_at: at.toISOString(),
      messages: [
        { position: 1, role: 'user', content: 'How much?', status: 'complete', llm_model: null, citations: null, created_at: at.toISOString() },
        {
          position: 2,
          role: 'assistant',
          content: 'Forty [1].',
          status: 'complete',
          llm_model: 'sim-chat',
          citations: [{ index: 1, filename: 'budget.pdf', page: 2, snippet: 'forty thousand' }],
          created_at: at.toISOString(),
        },
      ],
    });
  });

  it('leaves out an answer still streaming, keeping its question', () => {
    const snapshot = snapshotOf(chat, [message({ role: 'user', content: 'Q' }), message({ role: 'assistant', content: 'partial', status: 'streaming' })]);
    expect(snapshot.messages.map((m) => m.content)).toEqual(['Q']);
  });
});
