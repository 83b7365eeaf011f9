import { BREAK, breakAt, headingOffsets } from './chunk-boundaries';
import { encodedLength, forEachUnit } from './cl100k-encoder';
import { countTokens, MESSAGE_OVERHEAD_TOKENS } from './token-counter';

export interface PageText {
  page: number;
  text: string;
}

export interface TextChunk {
  page: number;
  position: number;
  text: string;
  tokens: number;
}

export interface ChunkOptions {
  chunkTokens: number;
  overlapTokens: number;
}

/** Tokens of a text (cl100k) on its own, without a message's overhead. */
export function tokenCount(text: string): number {
  return countTokens(text) - MESSAGE_OVERHEAD_TOKENS;
}

/**
 * A page's text encoded once: the places a chunk may start or end (boundary k at offset `at[k]`, between
 * two units no token crosses, on a character), and `upTo[k]` the tokens before it. The tokens between two
 * boundaries are a subtraction, so choosing where to cut costs no encoding.
 */
interface TokenGrid {
  at: Int32Array;
  upTo: Int32Array;
  /** 1 where the boundary ends a piece of cl100k's pattern (0 inside a long piece cut in slices). */
  pieceEnd: Uint8Array;
  /** The last boundary: the end of the text. */
  last: number;
}

function tokenGrid(text: string): TokenGrid {
  const at = new Int32Array(text.length + 1);
  const upTo = new Int32Array(text.length + 1);
  const pieceEnd = new Uint8Array(text.length + 1);
  pieceEnd[0] = 1;
  let last = 0;
  forEachUnit(text, (end, tokens, endsPiece) => {
    last++;
    at[last] = end;
    upTo[last] = upTo[last - 1] + tokens;
    pieceEnd[last] = endsPiece ? 1 : 0;
  });
  return { at, upTo, pieceEnd, last };
}

/** The boundary at or before a text offset. */
function boundaryBefore(grid: TokenGrid, offset: number): number {
  let low = 0;
  let high = grid.last;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (grid.at[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The best break in [from, to]: the strongest, and of equal ones the latest (`latest`) or the earliest. */
function bestBreak(text: string, grid: TokenGrid, from: number, to: number, latest: boolean): number {
  let best = latest ? to : from;
  let strength = -1;
  for (let i = 0; i <= to - from; i++) {
    const k = latest ? to - i : from + i;
    const found = breakAt(text, grid.at[k]);
    if (found > strength) {
      best = k;
      strength = found;
      if (found === BREAK.paragraph) break;
    }
  }
  return best;
}

/**
 * A chunk's tokens. Between two piece ends, with nothing trimmed, they are the grid's: the pattern reads
 * no further back than where it starts, nor further on than a piece's last character, so the chunk's text
 * is cut into the same pieces. Otherwise (spaces trimmed — " word" becomes "word" — or an edge inside a
 * long piece) the text is encoded again: a chunk of ordinary text, once more.
 */
function exactTokens(grid: TokenGrid, start: number, cut: number, slice: string, body: string): number {
  if (body.length === slice.length && grid.pieceEnd[start] && grid.pieceEnd[cut]) return grid.upTo[cut] - grid.upTo[start];
  return encodedLength(body);
}

const NOT_SPACE = /\S/g;

function hasText(text: string, from: number, to: number): boolean {
  NOT_SPACE.lastIndex = from;
  const found = NOT_SPACE.exec(text);
  return found !== null && found.index < to;
}

/**
 * One page's chunks. Each ends at the strongest break (paragraph, then sentence or line, then word) in the
 * second half of what fits, or before a heading; the next starts at the strongest break within the last
 * `overlap` tokens, so an idea cut at a boundary is still found whole.
 */
function chunkPage(text: string, page: number, options: ChunkOptions, chunks: TextChunk[]): void {
  const grid = tokenGrid(text);
  const { at, upTo, last } = grid;
  const limit = Math.max(1, options.chunkTokens);
  // An overlap of more than half a chunk would make most of each chunk a repeat (and a full one, no progress).
  const overlap = Math.min(Math.max(0, options.overlapTokens), Math.floor(limit / 2));
  const headings = headingOffsets(text).map((offset) => boundaryBefore(grid, offset));
  let nextHeading = 0;
  let start = 0;
  let end = 0;
  let previousCut = 0;
  while (start < last && hasText(text, at[start], text.length)) {
    while (nextHeading < headings.length && (headings[nextHeading] <= start || !hasText(text, at[start], at[headings[nextHeading]]))) nextHeading++;
    let budget = limit;
    let cut: number;
    let chunk: TextChunk;
    for (;;) {
      end = Math.max(end, start);
      while (end < last && upTo[end + 1] - upTo[start] <= limit) end++;
      let fits = end;
      while (upTo[fits] - upTo[start] > budget && fits > start + 1) fits--;
      if (fits === start) fits = start + 1; // a unit larger than a chunk goes alone
      const heading = headings[nextHeading];
      if (heading !== undefined && heading <= fits) cut = heading;
      else if (fits === last) cut = last;
      else {
        let fromHalf = fits;
        while (fromHalf > start + 1 && upTo[fromHalf - 1] - upTo[start] >= budget / 2) fromHalf--;
        cut = bestBreak(text, grid, Math.max(fromHalf, previousCut + 1), fits, true);
      }
      const slice = text.slice(at[start], at[cut]);
      const body = slice.trim();
      chunk = { page, position: chunks.length, text: body, tokens: exactTokens(grid, start, cut, slice, body) };
      if (chunk.tokens <= limit || cut === start + 1) break;
      budget = Math.min(budget, upTo[cut] - upTo[start]) - (chunk.tokens - limit);
    }
    if (chunk.text) chunks.push(chunk);
    if (cut === last) return;
    previousCut = cut;
    if (cut === headings[nextHeading] || overlap === 0) {
      start = cut;
      continue;
    }
    // The overlap: within `overlap` tokens of the cut, and leaving room for the next chunk to go past the cut.
    let from = cut;
    while (from > start + 1 && upTo[cut] - upTo[from - 1] <= overlap && upTo[cut + 1] - upTo[from - 1] <= limit) from--;
    start = from === cut ? cut : bestBreak(text, grid, from, cut - 1, false);
  }
}

/**
 * Chunks of at most `chunkTokens` tokens, each the exact text of its page between two breaks (trimmed),
 * with `tokens` its exact count (tokenCount of its text). Each page is encoded once and cut as token
 * ranges: time linear in the text's length, whatever its shape.
 */
export function chunkPages(pages: PageText[], options: ChunkOptions): TextChunk[] {
  const chunks: TextChunk[] = [];
  for (const { page, text } of pages) chunkPage(text, page, options, chunks);
  return chunks;
}
