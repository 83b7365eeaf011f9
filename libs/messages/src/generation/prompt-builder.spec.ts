import type { Message } from '#database';
import { buildPrompt } from './prompt-builder';

function message(id: number, role: 'user' | 'assistant', content: string, status = 'complete'): Message {
  return { id, role, content, status } as Message;
}

describe('buildPrompt', () => {
  const history = [
    message(1, 'user', 'first question '.repeat(50)),
    message(2, 'assistant', 'first answer '.repeat(50)),
    message(3, 'user', 'second question'),
    message(4, 'assistant', 'broken', 'failed'),
    message(5, 'assistant', 'second answer'),
  ];

  it('puts the system prompt first, then history, then the new message', () => {
    const prompt = buildPrompt({ systemPrompt: 'Be brief.', history, current: { text: 'third', images: [] }, budgetTokens: 10_000 }).messages;
    expect(prompt.map((m) => [m.role, typeof m.content === 'string' ? m.content.slice(0, 14) : 'parts'])).toEqual([
      ['system', 'Be brief.'],
      ['user', 'first question'],
      ['assistant', 'first answer f'],
      ['user', 'second questio'],
      ['assistant', 'second answer'],
      ['user', 'third'],
    ]);
  });

  it('drops the oldest history first when the budget is short', () => {
    const prompt = buildPrompt({ systemPrompt: '', history, current: { text: 'third', images: [] }, budgetTokens: 60 }).messages;
    expect(prompt.map((m) => m.content)).toEqual(['second question', 'second answer', 'third']);
  });

  it('sends images as image parts after the text', () => {
    const prompt = buildPrompt({ systemPrompt: '', history: [], current: { text: 'What is this?', images: ['data:image/png;base64,AAA'] }, budgetTokens: 1000 }).messages;
    expect(prompt).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAA' } },
        ],
      },
    ]);
  });
});
