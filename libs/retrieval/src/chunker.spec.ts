import { chunkPages } from './chunker';

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
});
