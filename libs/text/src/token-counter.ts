interface Encoder {
  encode(text: string, allowedSpecial?: string[], disallowedSpecial?: string[]): number[];
}

let encoder: Encoder | undefined;

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

// Byte-pair encoding takes time quadratic in the length of a run without a break
// (no space, or only spaces: CJK text, base64, OCR noise); a 32,000-character run
// would block the event loop for minutes. Such runs are estimated (about two bytes a token).
export const LONG_RUN_CHARS = 32;
const LONG_RUN = new RegExp(`\\S{${LONG_RUN_CHARS},}|\\s{${LONG_RUN_CHARS},}`, 'g');

function encodedLength(text: string): number {
  if (!encoder) {
    // Loaded on first use (building the encoder takes ~100 ms); required because
    // the package's typings are ESM-only while its CommonJS build works.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { getEncoding } = require('js-tiktoken') as { getEncoding(name: 'cl100k_base'): Encoder };
    encoder = getEncoding('cl100k_base');
  }
  let estimated = 0;
  const rest = text.replace(LONG_RUN, (run) => {
    estimated += Math.ceil(Buffer.byteLength(run) / 2);
    return ' ';
  });
  return encoder.encode(rest, [], []).length + estimated;
}

/**
 * Token counts for fitting history into the context window, in time linear in
 * the text's length. Mistral's own tokenizer is not available offline; cl100k
 * is within a few percent of it on French and English text, and the budget
 * keeps a margin for the difference. Includes MESSAGE_OVERHEAD_TOKENS.
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
