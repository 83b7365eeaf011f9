import { randomBytes } from 'node:crypto';
import { countTokens } from './token-counter';
import { chunkPages, PageText, TextChunk, tokenCount } from './chunker';

// The real counter, watched: the chunker must not fill its memo (bounded for chat messages) with chunk texts.
jest.mock('./token-counter', () => {
  const actual = jest.requireActual<typeof import('./token-counter')>('./token-counter');
  return { ...actual, countTokens: jest.fn(actual.countTokens) };
});

/** Where each chunk lies in its page: its text found at or after the previous chunk's start, checked whole. */
function locate(pages: PageText[], chunks: TextChunk[]): { page: number; start: number; end: number }[] {
  const spans: { page: number; start: number; end: number }[] = [];
  let searchFrom = 0;
  let page = -1;
  for (const chunk of chunks) {
    if (chunk.page !== page) searchFrom = 0;
    page = chunk.page;
    const text = pages.find((p) => p.page === chunk.page)!.text;
    const start = text.indexOf(chunk.text, searchFrom);
    expect(start).toBeGreaterThanOrEqual(0);
    spans.push({ page, start, end: start + chunk.text.length });
    searchFrom = start + 1;
  }
  return spans;
}

/** The properties every chunking keeps: exact slices in order, exact counts within the size, nothing lost. */
function expectSoundChunks(pages: PageText[], chunks: TextChunk[], chunkTokens: number): void {
  expect(chunks.map((c) => c.position)).toEqual(chunks.map((_, i) => i));
  const spans = locate(pages, chunks);
  for (const chunk of chunks) {
    expect(chunk.text).toBe(chunk.text.trim());
    expect(chunk.text).not.toBe('');
    expect(chunk.tokens).toBe(tokenCount(chunk.text));
    expect(chunk.tokens).toBeLessThanOrEqual(chunkTokens);
  }
  for (const { page, text } of pages) {
    const mine = spans.filter((s) => s.page === page);
    // Between consecutive chunks, and before the first and after the last, there are only spaces.
    let covered = 0;
    for (const span of mine) {
      expect(text.slice(covered, Math.max(covered, span.start)).trim()).toBe('');
      covered = Math.max(covered, span.end);
    }
    expect(text.slice(covered).trim()).toBe('');
  }
}

/** A run of `length` characters drawn from `alphabet` in a fixed pseudo-random order: no repeating period to mislocate chunks. */
function run(alphabet: string[], length: number): string {
  let state = 7;
  return Array.from({ length }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return alphabet[(state >> 8) % alphabet.length];
  }).join('');
}

describe('chunkPages', () => {
  const paragraph = (n: number) => `Paragraph ${n} talks about topic ${n} in some detail, with enough words to weigh a little.`;

  it('keeps short pages whole, with their page and position', () => {
    const chunks = chunkPages([{ page: 1, text: 'Hello.' }, { page: 2, text: 'World.' }], { chunkTokens: 100, overlapTokens: 10 });
    expect(chunks.map((c) => [c.page, c.position, c.text])).toEqual([[1, 0, 'Hello.'], [2, 1, 'World.']]);
  });

  it('skips pages with no text', () => {
    const chunks = chunkPages([{ page: 1, text: ' \n\n\t ' }, { page: 2, text: 'Texte.' }], { chunkTokens: 100, overlapTokens: 10 });
    expect(chunks.map((c) => [c.page, c.position, c.text])).toEqual([[2, 0, 'Texte.']]);
  });

  it('splits long text at paragraphs within the size, and repeats the last paragraph as overlap', () => {
    const pages = [{ page: 1, text: Array.from({ length: 30 }, (_, i) => paragraph(i)).join('\n\n') }];
    const chunks = chunkPages(pages, { chunkTokens: 120, overlapTokens: 30 });
    expect(chunks.length).toBeGreaterThan(3);
    expectSoundChunks(pages, chunks, 120);
    for (const chunk of chunks) expect(chunk.text.split('\n\n').every((p) => /^Paragraph \d+ .*little\.$/.test(p))).toBe(true);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i].text.startsWith(chunks[i - 1].text.split('\n\n').at(-1)!)).toBe(true);
  });

  it('starts a new chunk at a heading, without overlap', () => {
    const text = `${paragraph(1)}\n\n# Congés\n\n${paragraph(2)}`;
    const chunks = chunkPages([{ page: 1, text }], { chunkTokens: 500, overlapTokens: 50 });
    expect(chunks.map((c) => c.text)).toEqual([paragraph(1), `# Congés\n\n${paragraph(2)}`]);
  });

  it('cuts a paragraph longer than the size at sentences', () => {
    const long = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    const pages = [{ page: 3, text: long }];
    const chunks = chunkPages(pages, { chunkTokens: 60, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    expectSoundChunks(pages, chunks, 60);
    expect(chunks.map((c) => c.text).join(' ')).toBe(long);
    for (const chunk of chunks) expect(chunk.text).toMatch(/^Sentence .*here\.$/);
  });

  it('overlaps consecutive chunks by at most the overlap, at a sentence where one fits', () => {
    const text = Array.from({ length: 200 }, (_, i) => `Phrase ${i} du rapport annuel.`).join(' ');
    const pages = [{ page: 1, text }];
    const chunks = chunkPages(pages, { chunkTokens: 100, overlapTokens: 20 });
    expectSoundChunks(pages, chunks, 100);
    const spans = locate(pages, chunks);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i].start).toBeLessThan(spans[i - 1].end);
      // The grid's count of the shared part: the spaces trimmed at its start can cost one token.
      expect(tokenCount(text.slice(spans[i].start, spans[i - 1].end))).toBeLessThanOrEqual(21);
      expect(chunks[i].text).toMatch(/^Phrase \d+ /);
    }
  });

  it('cuts unpunctuated words, numbers and CSV at word or line breaks, with exact counts', () => {
    const words = Array.from({ length: 5_000 }, (_, i) => `mot${i % 97}`).join(' ');
    const numbers = Array.from({ length: 5_000 }, (_, i) => String((i * 7919) % 1_000_003)).join(' ');
    const csv = Array.from({ length: 800 }, (_, i) => `${i},Dupont ${i},${(i * 37) % 9973}.50,2024-01-${1 + (i % 28)}`).join('\n');
    for (const text of [words, numbers, csv]) {
      const pages = [{ page: 1, text }];
      const chunks = chunkPages(pages, { chunkTokens: 150, overlapTokens: 20 });
      expect(chunks.length).toBeGreaterThan(10);
      expectSoundChunks(pages, chunks, 150);
      // No chunk ends inside a word or number.
      for (const span of locate(pages, chunks)) expect(/\s/.test(text[span.end] ?? ' ')).toBe(true);
    }
  });

  it('cuts a long run without spaces into bounded chunks and loses nothing', () => {
    const blob = randomBytes(150_000).toString('base64');
    const pages = [{ page: 1, text: blob }];
    const chunks = chunkPages(pages, { chunkTokens: 200, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(100);
    expectSoundChunks(pages, chunks, 200);
    expect(chunks.map((c) => c.text).join('')).toBe(blob);
  });

  it('never cuts a character: accents, emoji (surrogate pairs) and CJK runs stay whole', () => {
    const french = Array.from({ length: 400 }, (_, i) => `Réunion n°${i} à l'hôtel de ville 🚀🇫🇷 — été déjà passé, cœur naïf ✅.`).join(' ');
    const emojiRun = run(['🚀', '📈', '✅', '🇫🇷', '👩‍👩‍👧', '€', '…'], 3_000);
    const cjk = run([...'会议记录文件报告年度预算'], 8_000);
    for (const text of [french, emojiRun, cjk, `${cjk} ${emojiRun} ${french}`]) {
      const pages = [{ page: 1, text }];
      const chunks = chunkPages(pages, { chunkTokens: 50, overlapTokens: 10 });
      expectSoundChunks(pages, chunks, 50);
      for (const chunk of chunks) {
        expect(chunk.text).not.toContain('\uFFFD');
        expect(chunk.text).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
      }
    }
  });

  it('numbers positions across pages in order, each chunk with the page it comes from', () => {
    const pages = [1, 2, 3].map((page) => ({ page, text: Array.from({ length: 12 }, (_, i) => `Page ${page}: ${paragraph(i)}`).join('\n\n') }));
    const chunks = chunkPages(pages, { chunkTokens: 80, overlapTokens: 15 });
    expectSoundChunks(pages, chunks, 80);
    expect(chunks.map((c) => c.page)).toEqual([...chunks.map((c) => c.page)].sort());
    for (const chunk of chunks) expect(chunk.text).toContain(`Page ${chunk.page}:`);
  });

  it('keeps every chunk within a size smaller than a long word, and an overlap larger than the chunk makes progress', () => {
    const text = `${'Donaudampfschifffahrtsgesellschaftskapitän'.repeat(3)} ${run([...'abcdefghijklmnopqrstuvwxyz'], 5_000)} fin`;
    const pages = [{ page: 1, text }];
    const chunks = chunkPages(pages, { chunkTokens: 40, overlapTokens: 400 });
    expectSoundChunks(pages, chunks, 40);
    expect(chunks.at(-1)!.text.endsWith('fin')).toBe(true);
  });

  it('does not keep chunk texts in the token-count memo', () => {
    jest.mocked(countTokens).mockClear();
    chunkPages([{ page: 1, text: Array.from({ length: 30 }, (_, i) => paragraph(i)).join('\n\n') }], { chunkTokens: 120, overlapTokens: 30 });
    expect(countTokens).not.toHaveBeenCalled();
  });
});
