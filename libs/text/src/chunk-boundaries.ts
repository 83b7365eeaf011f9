import { encodedLength } from './cl100k-encoder';

/** How good a place to end a chunk is: inside a word, between words, after a sentence or line, between paragraphs. */
export const BREAK = { none: 0, word: 1, sentence: 2, paragraph: 3 } as const;

// Looking further into a run of spaces tells nothing more, and would make a long run quadratic.
const LOOK_CHARS = 64;
const SPACE = /\s/;
const SENTENCE_END = /[.!?…]["'»”’)\]]?$/;
const HEADING = /^(#{1,6}\s|[A-Z0-9ÀÂÉÈÊÎÔÛÇ][^.!?]{0,80}$)/;
const HEADING_MAX_CHARS = 200;
const HEADING_MAX_TOKENS = 30;
const PARAGRAPH_BREAK = /\n\s*\n/g;

/** The break at `offset` of the text, from the spaces around it (a cut there drops them). */
export function breakAt(text: string, offset: number): number {
  let left = offset;
  let right = offset;
  while (left > 0 && offset - left < LOOK_CHARS && SPACE.test(text[left - 1])) left--;
  while (right < text.length && right - offset < LOOK_CHARS && SPACE.test(text[right])) right++;
  if (left === right) return BREAK.none;
  let newlines = 0;
  for (let i = left; i < right; i++) if (text.charCodeAt(i) === 10) newlines++;
  if (newlines >= 2) return BREAK.paragraph;
  if (newlines === 1 || SENTENCE_END.test(text.slice(Math.max(0, left - 2), left))) return BREAK.sentence;
  return BREAK.word;
}

/**
 * Offsets where a heading paragraph begins: a short paragraph starting like a title ("# Congés",
 * "Article 3", "RÉSULTATS"), without a sentence's punctuation, under 30 tokens. A chunk starts afresh there.
 */
export function headingOffsets(text: string): number[] {
  const offsets: number[] = [];
  const check = (from: number, to: number) => {
    let start = from;
    while (start < to && SPACE.test(text[start])) start++;
    if (to - start > HEADING_MAX_CHARS) return;
    const paragraph = text.slice(start, to).trimEnd();
    if (paragraph && HEADING.test(paragraph) && encodedLength(paragraph) < HEADING_MAX_TOKENS) offsets.push(start);
  };
  let from = 0;
  PARAGRAPH_BREAK.lastIndex = 0;
  for (let found = PARAGRAPH_BREAK.exec(text); found !== null; found = PARAGRAPH_BREAK.exec(text)) {
    check(from, found.index);
    from = found.index + found[0].length;
  }
  check(from, text.length);
  return offsets;
}
