import { EnvReader } from './env-parsers';

/** Words that mark a value copied from an example rather than generated. */
const PLACEHOLDER_WORDS = [
  'secret-key', 'secret_key', 'secretkey', 'changeme', 'change-me', 'change_me', 'change-this', 'changethis',
  'replace-me', 'replaceme', 'your-', 'your_', 'example', 'placeholder', 'password', 'motdepasse', 'qwerty',
  'azerty', 'dummy', 'default',
];
// Short fillers count only as a whole word, so a random string that happens to contain "xxx" passes.
const FILLER = /(^|[^a-z0-9])(x{3,}|todo|test|foo|bar)([^a-z0-9]|$)/i;
const REPEATED_LENGTH = 8;
const RUN_LENGTH = 6;
const MIN_DISTINCT_CHARACTERS = 8;
const MIN_BITS_PER_CHARACTER = 2.8;

export const GENERATE_SECRET_HINT = 'generate one with: openssl rand -base64 48';

/** Some 8-character sequence appears twice: "abcabcabc...", "key-one-key-one-...". */
function hasRepeatedSequence(value: string): boolean {
  const seen = new Set<string>();
  for (let i = 0; i + REPEATED_LENGTH <= value.length; i++) {
    const part = value.slice(i, i + REPEATED_LENGTH);
    if (seen.has(part)) return true;
    seen.add(part);
  }
  return false;
}

/** Six characters in a row that count up or down: "abcdef", "123456", "987654". */
function hasSequentialRun(value: string): boolean {
  let up = 1;
  let down = 1;
  for (let i = 1; i < value.length; i++) {
    const step = value.charCodeAt(i) - value.charCodeAt(i - 1);
    up = step === 1 ? up + 1 : 1;
    down = step === -1 ? down + 1 : 1;
    if (up >= RUN_LENGTH || down >= RUN_LENGTH) return true;
  }
  return false;
}

/** Shannon entropy of the value's own character frequencies, in bits per character. */
function bitsPerCharacter(value: string): number {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const share = count / value.length;
    bits -= share * Math.log2(share);
  }
  return bits;
}

/**
 * Why a secret looks guessable (a placeholder, a repetition, too few distinct
 * characters), or undefined when it looks generated. Never quotes the value.
 */
export function secretWeakness(value: string, minLength: number): string | undefined {
  if (value.length < minLength) return `must be at least ${minLength} characters`;
  const lower = value.toLowerCase();
  const word = PLACEHOLDER_WORDS.find((placeholder) => lower.includes(placeholder)) ?? FILLER.exec(value)?.[2];
  if (word) return `looks like a placeholder (contains "${word.toLowerCase()}")`;
  if (hasRepeatedSequence(value)) return 'repeats itself';
  if (hasSequentialRun(value)) return 'contains a run of consecutive characters';
  if (new Set(value).size < MIN_DISTINCT_CHARACTERS || bitsPerCharacter(value) < MIN_BITS_PER_CHARACTER) {
    return 'uses too few distinct characters to be hard to guess';
  }
  return undefined;
}

/** A weak secret stops a production boot; elsewhere it is a warning, so development keeps working. */
export function checkSecret(read: EnvReader, name: string, production: boolean, minLength: number): string | undefined {
  const value = read.optional(name);
  const weakness = value === undefined ? undefined : secretWeakness(value, minLength);
  if (weakness && production) read.fail(name, `${weakness}; ${GENERATE_SECRET_HINT}`);
  else if (weakness) read.warn(name, `${weakness}; ${GENERATE_SECRET_HINT} (refused when APP_ENV=production)`);
  return value;
}
