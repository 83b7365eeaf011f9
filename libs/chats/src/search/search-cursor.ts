import { ValidationError } from '#common';

/**
 * Where the next page starts, encoded in `next_before` (base64url JSON): in
 * titles (`s: "t"`) or messages (`s: "m"`), in the window of `n` ids below id
 * `w` (null: the newest), after (rank `r`, id `i`) or at the window's start.
 */
export interface SearchCursor {
  s: 't' | 'm';
  w: number | null;
  n: number;
  r?: number;
  i?: number;
}

export function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

const invalid = () => new ValidationError([{ loc: ['query', 'before'], msg: 'before must be a next_before of an earlier page' }]);
const isId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

/** The cursor in `before`; 422 when it was not made by encodeCursor. */
export function decodeCursor(before: string): SearchCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(before, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof value !== 'object' || value === null) throw invalid();
  const { s, w, n, r, i } = value as Record<string, unknown>;
  if ((s !== 't' && s !== 'm') || !(w === null || isId(w)) || !isId(n)) throw invalid();
  if (r === undefined && i === undefined) return { s, w, n };
  if (typeof r === 'number' && Number.isFinite(r) && isId(i)) return { s, w, n, r, i };
  throw invalid();
}
