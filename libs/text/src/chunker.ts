import { countTokens, LONG_RUN_CHARS, MESSAGE_OVERHEAD_TOKENS } from './token-counter';

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

interface Piece {
  text: string;
  tokens: number;
}

/** A sentence, a word or a slice of a long word; a glued unit continues the previous one without a space. */
interface Unit extends Piece {
  glued: boolean;
}

const HEADING = /^(#{1,6}\s|[A-Z0-9ÀÂÉÈÊÎÔÛÇ][^.!?]{0,80}$)/;
const SLICE = new RegExp(`[^]{1,${LONG_RUN_CHARS}}`, 'gu');

/** Tokens of a text (cl100k) on its own, without a message's overhead. */
export function tokenCount(text: string): number {
  return countTokens(text) - MESSAGE_OVERHEAD_TOKENS;
}

/**
 * The words of a sentence too long for a chunk, in runs of a few words (about a sixteenth of a chunk's
 * tokens) counted together: one encoder call per run, not per word (each call has a fixed cost that made
 * a text of distinct words — numbers, codes, OCR — ten times slower), and counted with their spaces, as
 * the encoder sees them in the chunk. A run over the size is cut into words; long words into glued slices.
 */
function words(sentence: string, maxTokens: number): Unit[] {
  const perRun = Math.max(1, Math.floor(maxTokens / 16));
  const units: Unit[] = [];
  let run: string[] = [];
  const endRun = () => {
    if (run.length === 0) return;
    const text = run.join(' ');
    const tokens = tokenCount(text);
    if (tokens <= maxTokens || run.length === 1) units.push({ text, tokens, glued: false });
    else units.push(...run.map((word) => ({ text: word, tokens: tokenCount(word), glued: false })));
    run = [];
  };
  for (const word of sentence.split(/\s+/)) {
    if (!word) continue;
    if (word.length >= LONG_RUN_CHARS) {
      endRun();
      units.push(...(word.match(SLICE) ?? []).map((slice, i) => ({ text: slice, tokens: tokenCount(slice), glued: i > 0 })));
      continue;
    }
    run.push(word);
    if (run.length >= perRun) endRun();
  }
  endRun();
  return units;
}

/** Units joined into pieces of at most `maxTokens` (a single larger unit stays whole). */
function pack(units: Unit[], maxTokens: number, out: Piece[]): void {
  let text = '';
  let tokens = 0;
  for (const unit of units) {
    if (text && tokens + unit.tokens > maxTokens) {
      out.push({ text, tokens });
      text = '';
      tokens = 0;
    }
    text = text ? text + (unit.glued ? '' : ' ') + unit.text : unit.text;
    tokens += unit.tokens;
  }
  if (text) out.push({ text, tokens });
}

/**
 * A sentence as one unit when it may fit a chunk, else as its words. A sentence of more words than a
 * chunk has tokens cannot fit (a word is at least a token), so it is not encoded whole only to be cut:
 * an unpunctuated text (OCR output, a CSV) is one such sentence, and encoding it whole doubled the work.
 */
function sentenceUnits(sentence: string, maxTokens: number): Unit[] {
  if (wordCountExceeds(sentence, maxTokens)) return words(sentence, maxTokens);
  const tokens = tokenCount(sentence);
  return tokens > maxTokens ? words(sentence, maxTokens) : [{ text: sentence, tokens, glued: false }];
}

function wordCountExceeds(text: string, limit: number): boolean {
  const word = /\S+/g;
  for (let count = 0; word.exec(text) !== null; ) if (++count > limit) return true;
  return false;
}

/** Paragraphs (blank-line separated), with over-long ones cut at sentences, then at words; each unit counted once. */
function pieces(text: string, maxTokens: number): Piece[] {
  const out: Piece[] = [];
  for (const paragraph of text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean)) {
    const units = paragraph.split(/(?<=[.!?])\s+/).flatMap((sentence) => sentenceUnits(sentence, maxTokens));
    const tokens = units.reduce((sum, unit) => sum + unit.tokens, 0);
    if (tokens <= maxTokens) {
      out.push({ text: paragraph, tokens });
      continue;
    }
    pack(units, maxTokens, out);
  }
  return out;
}

/**
 * Chunks of about `chunkTokens`, built from whole paragraphs where possible,
 * starting afresh at headings, each repeating the end of the previous one
 * (`overlapTokens`) so an idea cut at a boundary is still found whole.
 * Time is linear in the text's length.
 */
export function chunkPages(pages: PageText[], options: ChunkOptions): TextChunk[] {
  const chunks: TextChunk[] = [];
  for (const { page, text } of pages) {
    let current: Piece[] = [];
    // The current chunk's tokens: its pieces' counts and one per paragraph break between them (cl100k's
    // "\n\n"), so a chunk's body is never encoded again.
    let tokens = 0;
    const withBreak = (piece: Piece, before: Piece[]) => piece.tokens + (before.length > 0 ? 1 : 0);
    const flush = () => {
      if (current.length === 0) return;
      chunks.push({ page, position: chunks.length, text: current.map((piece) => piece.text).join('\n\n'), tokens });
      // Carry the last pieces into the next chunk, up to the overlap.
      const carried: Piece[] = [];
      let carriedTokens = 0;
      for (let i = current.length - 1; i >= 0 && carriedTokens + withBreak(current[i], carried) <= options.overlapTokens; i--) {
        carriedTokens += withBreak(current[i], carried);
        carried.unshift(current[i]);
      }
      current = carried;
      tokens = carriedTokens;
    };
    for (const piece of pieces(text, options.chunkTokens)) {
      const isHeading = HEADING.test(piece.text) && piece.tokens < 30;
      if (tokens + withBreak(piece, current) > options.chunkTokens || (isHeading && tokens > piece.tokens)) {
        flush();
        if (isHeading) {
          current = [];
          tokens = 0;
        }
      }
      tokens += withBreak(piece, current);
      current.push(piece);
    }
    // The overlap carried from the last flush is already in the previous chunk.
    const lastText = chunks.at(-1)?.page === page ? chunks.at(-1)!.text : '';
    if (current.length && !lastText.endsWith(current.map((piece) => piece.text).join('\n\n'))) flush();
  }
  return chunks;
}
