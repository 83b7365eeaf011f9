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

/** Words of a sentence, long ones cut into glued slices. */
function words(sentence: string): Unit[] {
  return sentence.split(/\s+/).filter(Boolean).flatMap((word) => {
    if (word.length < LONG_RUN_CHARS) return [{ text: word, tokens: tokenCount(word), glued: false }];
    return (word.match(SLICE) ?? []).map((slice, i) => ({ text: slice, tokens: tokenCount(slice), glued: i > 0 }));
  });
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

/** Paragraphs (blank-line separated), with over-long ones cut at sentences, then at words; each unit counted once. */
function pieces(text: string, maxTokens: number): Piece[] {
  const out: Piece[] = [];
  for (const paragraph of text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean)) {
    const sentences = paragraph.split(/(?<=[.!?])\s+/).map((sentence) => ({ text: sentence, tokens: tokenCount(sentence), glued: false }));
    const tokens = sentences.reduce((sum, sentence) => sum + sentence.tokens, 0);
    if (tokens <= maxTokens) {
      out.push({ text: paragraph, tokens });
      continue;
    }
    pack(sentences.flatMap((sentence) => (sentence.tokens > maxTokens ? words(sentence.text) : [sentence])), maxTokens, out);
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
    let tokens = 0;
    const flush = () => {
      if (current.length === 0) return;
      const body = current.map((piece) => piece.text).join('\n\n');
      chunks.push({ page, position: chunks.length, text: body, tokens: tokenCount(body) });
      // Carry the last pieces into the next chunk, up to the overlap.
      const carried: Piece[] = [];
      let carriedTokens = 0;
      for (let i = current.length - 1; i >= 0 && carriedTokens + current[i].tokens <= options.overlapTokens; i--) {
        carried.unshift(current[i]);
        carriedTokens += current[i].tokens;
      }
      current = carried;
      tokens = carriedTokens;
    };
    for (const piece of pieces(text, options.chunkTokens)) {
      const isHeading = HEADING.test(piece.text) && piece.tokens < 30;
      if (tokens + piece.tokens > options.chunkTokens || (isHeading && tokens > piece.tokens)) {
        flush();
        if (isHeading) {
          current = [];
          tokens = 0;
        }
      }
      current.push(piece);
      tokens += piece.tokens;
    }
    // The overlap carried from the last flush is already in the previous chunk.
    const lastText = chunks.at(-1)?.page === page ? chunks.at(-1)!.text : '';
    if (current.length && !lastText.endsWith(current.map((piece) => piece.text).join('\n\n'))) flush();
  }
  return chunks;
}
