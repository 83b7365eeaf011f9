import { randomBytes } from 'node:crypto';
import { countTokens } from './token-counter';
import { chunkPages, tokenCount } from './chunker';

// The real tokenizer, watched: how much text the chunker gives it is the measure of its work.
jest.mock('./token-counter', () => {
  const actual = jest.requireActual<typeof import('./token-counter')>('./token-counter');
  return { ...actual, countTokens: jest.fn(actual.countTokens) };
});
const tokenised = () => jest.mocked(countTokens).mock.calls.reduce((sum, [text]) => sum + text.length, 0);

describe('chunkPages', () => {
  const paragraph = (n: number) => `Paragraph ${n} talks about topic ${n} in some detail, with enough words to weigh a little.`;

  it('keeps short pages whole, with their page and position', () => {
    const chunks = chunkPages([{ page: 1, text: 'Hello.' }, { page: 2, text: 'World.' }], { chunkTokens: 100, overlapTokens: 10 });
    expect(chunks.map((c) => [c.page, c.position, c.text])).toEqual([[1, 0, 'Hello.'], [2, 1, 'World.']]);
  });

  it('splits long text at paragraphs within the size, with overlap, and loses nothing', () => {
    const text = Array.from({ length: 30 }, (_, i) => paragraph(i)).join('\n\n');
    const chunks = chunkPages([{ page: 1, text }], { chunkTokens: 120, overlapTokens: 30 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(140);
    for (let i = 0; i < 30; i++) expect(chunks.some((c) => c.text.includes(paragraph(i)))).toBe(true);
    const last = chunks[0].text.split('\n\n').at(-1)!;
    expect(chunks[1].text.startsWith(last)).toBe(true);
  });

  it('starts a new chunk at a heading', () => {
    const text = `${paragraph(1)}\n\n# Congés\n\n${paragraph(2)}`;
    const chunks = chunkPages([{ page: 1, text }], { chunkTokens: 500, overlapTokens: 0 });
    expect(chunks.map((c) => c.text.split('\n\n')[0])).toEqual([paragraph(1), '# Congés']);
  });

  it('cuts a paragraph longer than the size at sentences', () => {
    const long = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    const chunks = chunkPages([{ page: 3, text: long }], { chunkTokens: 60, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.map((c) => c.text).join(' ')).toBe(long);
  });

  it('chunks a megabyte without paragraph or sentence breaks in linear work, each chunk within the size', () => {
    const text = Array.from({ length: 200_000 }, (_, i) => `mot${i % 97}`).join(' ');
    jest.mocked(countTokens).mockClear();
    const chunks = chunkPages([{ page: 1, text }], { chunkTokens: 400, overlapTokens: 60 });
    // Each word is tokenised about once (then each chunk once more); re-tokenising growing strings is quadratic.
    expect(tokenised()).toBeLessThan(3 * text.length);
    expect(chunks.length).toBeGreaterThan(100);
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(400);
    expect(chunks.at(-1)!.text.endsWith(`mot${199_999 % 97}`)).toBe(true);
  });

  it('counts an unpunctuated text of distinct words in runs of words: few encoder calls, chunk counts near the exact ones', () => {
    const text = Array.from({ length: 60_000 }, (_, i) => String((i * 7919) % 1_000_003)).join(' ');
    jest.mocked(countTokens).mockClear();
    const chunks = chunkPages([{ page: 1, text }], { chunkTokens: 500, overlapTokens: 50 });
    // One call per word (each with the encoder's fixed cost) made such a text ten times slower.
    expect(jest.mocked(countTokens).mock.calls.length).toBeLessThan(60_000 / 10);
    for (const chunk of chunks.slice(0, 10)) {
      expect(chunk.tokens).toBeLessThanOrEqual(500);
      expect(Math.abs(chunk.tokens - tokenCount(chunk.text))).toBeLessThanOrEqual(chunk.tokens * 0.05);
    }
    expect(chunks.map((chunk) => chunk.text.split(' ').at(-1)).at(-1)).toBe(text.split(' ').at(-1));
  });

  it('cuts a long run without spaces into bounded chunks and loses nothing', () => {
    const blob = randomBytes(150_000).toString('base64');
    const chunks = chunkPages([{ page: 1, text: blob }], { chunkTokens: 200, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(100);
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(200);
    expect(chunks.map((c) => c.text).join('')).toBe(blob);
  });
});

describe('tokenCount', () => {
  it('counts ordinary text exactly and estimates runs without breaks from their bytes', () => {
    expect(tokenCount('Bonjour à tous, voici le rapport.')).toBe(countTokens('Bonjour à tous, voici le rapport.') - countTokens(''));
    // Without the estimate, these would take seconds (byte-pair encoding is quadratic in a run's length).
    expect(tokenCount('é'.repeat(100_000))).toBeGreaterThanOrEqual(100_000);
    expect(tokenCount(' '.repeat(100_000))).toBeGreaterThanOrEqual(50_000);
    expect(tokenCount(`début ${'x'.repeat(40)} fin`)).toBeLessThan(30);
  });
});
