/**
 * cl100k byte-pair encoding, counting only: how many tokens, and where they fall in the text.
 *
 * js-tiktoken's encoder joins byte arrays into strings for every pair it compares, and took 0.35 s for
 * 60,000 words of ordinary prose; this one compares slices of a byte string (the text's UTF-8 bytes, one
 * character per byte) and takes a fraction of that. It uses js-tiktoken's vocabulary (its ranks file).
 *
 * A text is cut by cl100k's own pattern into pieces no token crosses. A piece longer than PIECE_BYTES
 * (a long word, a base64 blob, CJK text, a run of spaces) is encoded in slices of at most that many bytes:
 * merging is quadratic in a piece's length (a 32,000-character run would block for minutes), and slices
 * keep it linear. The count then differs from cl100k's only inside such long pieces, by a token or two
 * per slice; and since no token crosses a slice, every unit (piece or slice) ends on a character.
 */

interface RanksFile {
  pat_str: string;
  bpe_ranks: string;
}

const PIECE_BYTES = 32;
const NO_RANK = 0x7fffffff;
// Distinct multi-token pieces of at most PIECE_BYTES bytes: a bound of under 10 MB.
const MERGED_CACHE_ENTRIES = 100_000;

let ranks: Map<string, number> | undefined;
// Ranks of the two-byte tokens, by first byte * 256 + second: most merges start there, without a string.
const pairRanks = new Int32Array(256 * 256);
let piecePattern: RegExp | undefined;
const merged = new Map<string, number>();
const NON_ASCII = /[\u0080-\uffff]/;

/** The vocabulary, keyed by each token's bytes as a one-character-per-byte string; loaded on first use (~100 ms). */
function vocabulary(): Map<string, number> {
  if (ranks) return ranks;
  // Required: the package's typings are ESM-only while its CommonJS build works.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const file = require('js-tiktoken/ranks/cl100k_base') as RanksFile;
  const loaded = new Map<string, number>();
  for (const line of file.bpe_ranks.split('\n')) {
    // "<name> <first rank> <token> <token>…", tokens in base64, ranks consecutive.
    const fields = line.split(' ');
    let rank = Number(fields[1]);
    for (let i = 2; i < fields.length; i++) loaded.set(Buffer.from(fields[i], 'base64').toString('latin1'), rank++);
  }
  pairRanks.fill(NO_RANK);
  for (const [bytes, rank] of loaded) if (bytes.length === 2) pairRanks[bytes.charCodeAt(0) * 256 + bytes.charCodeAt(1)] = rank;
  piecePattern = new RegExp(file.pat_str, 'gu');
  ranks = loaded;
  return loaded;
}

// Scratch space for merging one piece (at most PIECE_BYTES bytes): starts[i] is where part i begins
// (starts[parts] is the end); pairRank[i] the rank of parts i and i+1 merged. Reused: no garbage per piece.
const starts = new Int32Array(PIECE_BYTES + 1);
const pairRank = new Int32Array(PIECE_BYTES);

/** Tokens of a piece's bytes: merge the adjacent pair of lowest rank (the leftmost on a tie) until none is in the vocabulary. */
function mergedTokens(bytes: string, vocabulary: Map<string, number>): number {
  if (bytes.length === 1 || vocabulary.has(bytes)) return 1;
  const known = merged.get(bytes);
  if (known !== undefined) return known;
  const rankOf = (from: number, to: number) => vocabulary.get(bytes.slice(from, to)) ?? NO_RANK;
  let parts = bytes.length;
  for (let i = 0; i <= parts; i++) starts[i] = i;
  for (let i = 0; i + 1 < parts; i++) pairRank[i] = pairRanks[bytes.charCodeAt(i) * 256 + bytes.charCodeAt(i + 1)];
  while (parts > 1) {
    let lowest = NO_RANK;
    let at = -1;
    for (let i = 0; i < parts - 1; i++) {
      if (pairRank[i] < lowest) {
        lowest = pairRank[i];
        at = i;
      }
    }
    if (at < 0) break;
    starts.copyWithin(at + 1, at + 2, parts + 1);
    pairRank.copyWithin(at, at + 1, parts - 1);
    parts--;
    if (at < parts - 1) pairRank[at] = rankOf(starts[at], starts[at + 2]);
    if (at > 0) pairRank[at - 1] = rankOf(starts[at - 1], starts[at + 1]);
  }
  if (merged.size >= MERGED_CACHE_ENTRIES) merged.clear();
  merged.set(bytes, parts);
  return parts;
}

/** UTF-8 bytes of the character (code unit, or surrogate pair) at `index`, and its length in code units. */
function utf8Width(text: string, index: number): [bytes: number, units: number] {
  const code = text.charCodeAt(index);
  if (code < 0x80) return [1, 1];
  if (code < 0x800) return [2, 1];
  const next = text.charCodeAt(index + 1);
  if (code >= 0xd800 && code < 0xdc00 && next >= 0xdc00 && next < 0xe000) return [4, 2];
  return [3, 1];
}

/**
 * Calls `visit(end, tokens, pieceEnd)` for each unit of the text in order: `end` is the offset (in code
 * units) where the unit ends — always a character boundary and a token boundary — `tokens` its token
 * count, and `pieceEnd` whether it ends a piece of the pattern (not a slice inside a long one).
 * Units tile the text: the first starts at 0, each next one where the previous ended.
 */
export function forEachUnit(text: string, visit: (end: number, tokens: number, pieceEnd: boolean) => void): void {
  const vocab = vocabulary();
  const pattern = piecePattern!;
  const ascii = !NON_ASCII.test(text);
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const piece = match[0];
    const start = match.index;
    const bytes = ascii || !NON_ASCII.test(piece) ? piece : Buffer.from(piece, 'utf8').toString('latin1');
    if (bytes.length <= PIECE_BYTES) {
      visit(start + piece.length, mergedTokens(bytes, vocab), true);
      continue;
    }
    if (bytes === piece) {
      for (let from = 0; from < piece.length; from += PIECE_BYTES) {
        const end = Math.min(from + PIECE_BYTES, piece.length);
        visit(start + end, mergedTokens(bytes.slice(from, end), vocab), end === piece.length);
      }
      continue;
    }
    // Slices of at most PIECE_BYTES bytes, cut between characters.
    let sliceByte = 0;
    let byte = 0;
    for (let unit = 0; unit < piece.length; ) {
      const [width, units] = utf8Width(piece, unit);
      if (byte + width - sliceByte > PIECE_BYTES) {
        visit(start + unit, mergedTokens(bytes.slice(sliceByte, byte), vocab), false);
        sliceByte = byte;
      }
      byte += width;
      unit += units;
    }
    visit(start + piece.length, mergedTokens(bytes.slice(sliceByte), vocab), true);
  }
}

/** Tokens of a text (cl100k, long pieces in slices), in time linear in its length; nothing is kept. */
export function encodedLength(text: string): number {
  let tokens = 0;
  forEachUnit(text, (_end, count) => {
    tokens += count;
  });
  return tokens;
}
