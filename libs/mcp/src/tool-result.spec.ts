import { capBytes, resultText } from './tool-result';

describe('resultText', () => {
  it('joins text blocks and describes the others in a line, never decoding them', () => {
    const blocks = [
      { type: 'text', text: 'Sum: 5' },
      { type: 'image', data: Buffer.alloc(1234).toString('base64'), mimeType: 'image/png' },
      { type: 'resource', resource: { uri: 'file:///a.txt', text: 'inline text' } },
      { type: 'resource', resource: { uri: 'file:///b.bin', blob: Buffer.alloc(10).toString('base64'), mimeType: 'application/octet-stream' } },
      { type: 'resource_link', uri: 'https://example.org/x', name: 'x' },
    ];
    expect(resultText(blocks, 10_000)).toEqual({
      content: ['Sum: 5', '[image image/png, 1234 bytes]', 'inline text', '[resource file:///b.bin application/octet-stream, 10 bytes]', '[resource link x https://example.org/x]'].join('\n'),
      truncated: false,
    });
  });

  it('cuts at the byte cap on a character boundary and says so', () => {
    expect(resultText([{ type: 'text', text: 'ééé' }], 5)).toEqual({ content: 'éé', truncated: true });
    expect(capBytes('abc', 3)).toEqual({ content: 'abc', truncated: false });
  });
});
