import { encodedLength } from './cl100k-encoder';

// Every send counts the chat's recent history again: the same texts, whose
// encoding was most of a long chat's send cost and garbage. Oldest out first,
// bounded by the characters kept (the keys are whole texts), not only by entries;
// a text longer than a message is counted without being kept.
const MEMO_ENTRIES = 20_000;
const MEMO_CHARS = 8_000_000;
const MEMO_TEXT_CHARS = 32_000;
const counted = new Map<string, number>();
let memoChars = 0;

/** Tokens a chat message costs beyond its text (role and separators). */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/**
 * Token counts for fitting history into the context window, in time linear in
 * the text's length (runs without a break are encoded in slices: see cl100k-encoder).
 * Mistral's own tokenizer is not available offline; cl100k is within a few percent
 * of it on French and English text, and the budget keeps a margin for the difference.
 * Includes MESSAGE_OVERHEAD_TOKENS.
 */
export function countTokens(text: string): number {
  const known = counted.get(text);
  if (known !== undefined) return known;
  const tokens = encodedLength(text) + MESSAGE_OVERHEAD_TOKENS;
  if (text.length > MEMO_TEXT_CHARS) return tokens;
  while (counted.size > 0 && (counted.size >= MEMO_ENTRIES || memoChars + text.length > MEMO_CHARS)) {
    const oldest = counted.keys().next().value!;
    counted.delete(oldest);
    memoChars -= oldest.length;
  }
  counted.set(text, tokens);
  memoChars += text.length;
  return tokens;
}
