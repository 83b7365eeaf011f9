import { ValidationError } from '#common';
import { readClientMessages } from './client-messages';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';
const problem = (messages: unknown[]) => {
  try {
    readClientMessages(messages, 1000);
  } catch (error) {
    if (error instanceof ValidationError) return error.detail;
    throw error;
  }
  throw new Error('accepted');
};

describe('readClientMessages', () => {
  it("splits the client's system messages from the conversation; the last user message is the one answered", () => {
    const read = readClientMessages(
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'one' },
        { role: 'assistant', content: null },
        { role: 'assistant', content: [{ type: 'text', text: 'two' }], refusal: null },
        { role: 'developer', content: 'In French.' },
        { role: 'user', content: [{ type: 'text', text: 'three' }, { type: 'image_url', image_url: { url: PNG, detail: 'low' } }], name: 'ada' },
      ],
      1000,
    );
    expect(read.system).toEqual(['Be brief.', 'In French.']);
    expect(read.history).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'two' },
    ]);
    expect(read.current).toEqual({ role: 'user', content: [{ type: 'text', text: 'three' }, { type: 'image_url', image_url: { url: PNG } }] });
    expect(read.question).toBe('three');
    expect(read.withImages).toBe(true);
  });

  it('refuses, naming the message and part, what it cannot honour', () => {
    expect(problem([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.org/a.png' } }] }])).toEqual([
      { loc: ['body', 'messages', 0, 'content', 0, 'image_url', 'url'], msg: expect.stringContaining('remote URLs are not fetched') },
    ]);
    expect(problem([{ role: 'tool', content: 'x' }])).toEqual([{ loc: ['body', 'messages', 0, 'role'], msg: expect.stringContaining('tools are not supported') }]);
    expect(problem([{ role: 'assistant', content: 'x', tool_calls: [{ id: '1' }] }, { role: 'user', content: 'y' }])).toEqual([
      { loc: ['body', 'messages', 0, 'tool_calls'], msg: expect.stringContaining('tools are not supported') },
    ]);
    expect(problem([{ role: 'user', content: 'x' }, { role: 'assistant', content: 'y' }])[0]).toMatchObject({ loc: ['body', 'messages', 1, 'role'] });
    expect(problem([{ role: 'system', content: [{ type: 'image_url', image_url: { url: PNG } }] }, { role: 'user', content: 'y' }])[0]).toMatchObject({
      loc: ['body', 'messages', 0, 'content', 0, 'type'],
    });
    expect(problem([{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }])[0]).toMatchObject({ loc: ['body', 'messages', 0, 'content', 0, 'type'] });
    expect(problem([{ role: 'user', content: [] }])[0]).toMatchObject({ loc: ['body', 'messages', 0, 'content'] });
    expect(problem([{ role: 'user', content: 'x'.repeat(1001) }])[0]).toMatchObject({ loc: ['body', 'messages', 0, 'content'] });
    expect(problem(['hello'])[0]).toMatchObject({ loc: ['body', 'messages', 0] });
  });
});
