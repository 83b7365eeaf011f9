import { countTokens } from '../../llm/src';

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

const HEADING = /^(#{1,6}\s|[A-Z0-9ÀÂÉÈÊÎÔÛÇ][^.!?]{0,80}$)/;

/** Paragraphs (blank-line separated), with over-long ones cut at sentences, then at words. */
function pieces(text: string, maxTokens: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean)) {
    if (countTokens(paragraph) <= maxTokens) {
      out.push(paragraph);
      continue;
    }
    let current = '';
    for (const sentence of paragraph.split(/(?<=[.!?])\s+/)) {
      const words = countTokens(sentence) > maxTokens ? sentence.split(/\s+/) : [sentence];
      for (const word of words) {
        const next = current ? `${current} ${word}` : word;
        if (current && countTokens(next) > maxTokens) {
          out.push(current);
          current = word;
        } else current = next;
      }
    }
    if (current) out.push(current);
  }
  return out;
}

/**
 * Chunks of about `chunkTokens`, built from whole paragraphs where possible,
 * starting afresh at headings, each repeating the end of the previous one
 * (`overlapTokens`) so an idea cut at a boundary is still found whole.
 */
export function chunkPages(pages: PageText[], options: ChunkOptions): TextChunk[] {
  const chunks: TextChunk[] = [];
  for (const { page, text } of pages) {
    let current: string[] = [];
    let tokens = 0;
    const flush = () => {
      if (current.length === 0) return;
      const body = current.join('\n\n');
      chunks.push({ page, position: chunks.length, text: body, tokens: countTokens(body) });
      // Carry the last pieces into the next chunk, up to the overlap.
      const carried: string[] = [];
      let carriedTokens = 0;
      for (const piece of [...current].reverse()) {
        const size = countTokens(piece);
        if (carriedTokens + size > options.overlapTokens) break;
        carried.unshift(piece);
        carriedTokens += size;
      }
      current = carried;
      tokens = carriedTokens;
    };
    for (const piece of pieces(text, options.chunkTokens)) {
      const size = countTokens(piece);
      const isHeading = HEADING.test(piece) && size < 30;
      if (tokens + size > options.chunkTokens || (isHeading && tokens > size)) {
        flush();
        if (isHeading) {
          current = [];
          tokens = 0;
        }
      }
      current.push(piece);
      tokens += size;
    }
    // The overlap carried from the last flush is already in the previous chunk.
    const lastText = chunks.at(-1)?.page === page ? chunks.at(-1)!.text : '';
    if (current.length && !lastText.endsWith(current.join('\n\n'))) flush();
  }
  return chunks;
}
