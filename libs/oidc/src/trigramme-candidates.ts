/** What a sign-in tells of a person's names, to derive a trigramme from. */
export interface NameClaims {
  given_name?: unknown;
  family_name?: unknown;
  name?: unknown;
  email?: unknown;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Latin letters only, upper-case, accents dropped ("Éloïse" → "ELOISE"). */
function letters(value: unknown): string {
  if (typeof value !== 'string') return '';
  return value.normalize('NFD').replace(/[^A-Za-z]/g, '').toUpperCase();
}

/** Words of a name, as letters ("Jean-Marc de la Tour" → JEAN, MARC, DE, LA, TOUR). */
function words(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return value.split(/[\s\-'._]+/).map(letters).filter((word) => word.length > 0);
}

/** The usual trigrammes of a first and a last name: JSM, JSH, JOS for John Smith. */
function fromNames(first: string, last: string): string[] {
  if (!first || !last) return [];
  return [first[0] + last.slice(0, 2), first[0] + last[0] + last[last.length - 1], first.slice(0, 2) + last[0]].filter((t) => t.length === 3);
}

/**
 * Trigrammes to try, best first, all distinct and of three letters: from the given and family
 * names, else the full name, else the email's local part; then, so that one is free, the best's
 * first two letters with each third letter, and its first letter with every pair.
 */
export function trigrammeCandidates(claims: NameClaims): string[] {
  const given = words(claims.given_name);
  const family = words(claims.family_name);
  const name = words(claims.name);
  const local = words(typeof claims.email === 'string' ? claims.email.split('@')[0] : '');
  const preferred = [
    ...fromNames(given[0] ?? '', family[family.length - 1] ?? ''),
    ...fromNames(name[0] ?? '', name.length > 1 ? name[name.length - 1] : ''),
    ...fromNames(local[0] ?? '', local.length > 1 ? local[local.length - 1] : ''),
    ...[given.join(''), family.join(''), name.join(''), local.join('')].map((run) => run.slice(0, 3)),
  ].filter((t) => t.length === 3);
  const best = preferred[0] ?? (letters(claims.name) + letters(claims.email) + 'XXX').slice(0, 3);
  const candidates = new Set([...preferred, best]);
  for (const third of ALPHABET) candidates.add(best.slice(0, 2) + third);
  for (const second of ALPHABET) for (const third of ALPHABET) candidates.add(best[0] + second + third);
  return [...candidates];
}
