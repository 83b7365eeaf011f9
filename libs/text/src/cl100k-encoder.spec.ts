import { randomBytes } from 'node:crypto';
import { encodedLength, forEachUnit } from './cl100k-encoder';

// js-tiktoken's own encoder, the reference for every piece short enough to be encoded whole.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getEncoding } = require('js-tiktoken') as { getEncoding(name: string): { encode(text: string, allowed: string[], disallowed: string[]): number[] } };
const reference = getEncoding('cl100k_base');

describe('cl100k encoder', () => {
  it('counts ordinary text exactly as cl100k does', () => {
    const texts = [
      'Bonjour à tous, voici le rapport du comité — été 2024 (v2.3) : +12 % !',
      "It's we'll I'M they've  double  spaces\n\n\ttabs\r\nand CRLF",
      'numbers 1234567 3.14159 -42 0x1F 2024-01-15',
      'emoji 🚀🇫🇷👩‍👩‍👧 ✅ and CJK 会议记录',
      'code: const x = { a: [1, 2], b: "str" }; // comment',
      '<|endoftext|> is ordinary text here',
      'trailing spaces   ',
      // 24 base64 characters: no run of letters can exceed 32 bytes, the limit of exact counting (a
      // longer run is counted in slices, tested below), however the random bytes fall.
      ...Array.from({ length: 200 }, () => randomBytes(18).toString('base64')),
      // Few enough bytes that no piece (a run of replacement characters) is longer than 32 bytes.
      ...Array.from({ length: 300 }, () => randomBytes(8).toString('utf8')),
    ];
    for (const text of texts) expect([text, encodedLength(text)]).toEqual([text, reference.encode(text, [], []).length]);
  });

  it('encodes a piece longer than 32 bytes in slices of at most 32 bytes, cut between characters', () => {
    // One letter run (one piece of the pattern): 16 slices of 32 letters.
    expect(encodedLength('ab'.repeat(256))).toBe(16 * encodedLength('ab'.repeat(16)));
    // Three-byte characters: slices of ten (30 bytes).
    const cjk = '会议记录会议记录会议'.repeat(50);
    expect(encodedLength(cjk)).toBe(50 * encodedLength('会议记录会议记录会议'));
  });

  it('reports units that tile the text, each ending on a character, with the counts of the whole', () => {
    const text = `Début ${'🚀'.repeat(40)} ${'é'.repeat(100)} ${'x'.repeat(70)} fin\n\n`;
    const ends: number[] = [];
    let tokens = 0;
    forEachUnit(text, (end, count) => {
      ends.push(end);
      tokens += count;
    });
    expect(ends.at(-1)).toBe(text.length);
    expect(ends).toEqual([...ends].sort((a, b) => a - b));
    for (const end of ends) expect(text.charCodeAt(end - 1) >= 0xd800 && text.charCodeAt(end - 1) < 0xdc00).toBe(false);
    expect(tokens).toBe(encodedLength(text));
  });
});
