import { unaccent } from '#database';

const CONTEXT_BEFORE = 60;
const LENGTH = 220;
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

/**
 * What a word written in the text must start with to count as a query word:
 * the database matched stems (French and English), so "securite" matched
 * "sécurisé" and "meeting" "meetings"; up to three final letters are dropped,
 * keeping at least four.
 */
function stemOf(word: string): string {
  return word.length <= 4 ? word : word.slice(0, Math.max(4, word.length - 3));
}

/**
 * An HTML excerpt of `text` around its first match of `words` (unaccented
 * query words), each matched word wrapped in <mark></mark> and the rest
 * escaped: highlighting runs on the original text, so accents stay as written.
 */
export function snippetOf(text: string, words: string[]): string {
  const stems = words.map(stemOf);
  const tokens = [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length, word: unaccent(m[0]) }));
  const matched = tokens.filter((token) => stems.some((stem) => token.word.startsWith(stem)));
  let start = 0;
  if (matched.length && matched[0].start > CONTEXT_BEFORE) {
    // Start at a word boundary shortly before the first match.
    const boundary = tokens.find((token) => token.start >= matched[0].start - CONTEXT_BEFORE);
    start = boundary ? boundary.start : matched[0].start;
  }
  let end = Math.min(text.length, start + LENGTH);
  const cut = tokens.find((token) => token.start < end && token.end > end);
  if (cut && cut.start > start) end = cut.start;
  let html = '';
  let at = start;
  for (const token of matched) {
    if (token.start < start || token.end > end) continue;
    html += `${escapeHtml(text.slice(at, token.start))}<mark>${escapeHtml(text.slice(token.start, token.end))}</mark>`;
    at = token.end;
  }
  html += escapeHtml(text.slice(at, end));
  return `${start > 0 ? '…' : ''}${html.replace(/\s+/g, ' ').trim()}${end < text.length ? '…' : ''}`;
}
