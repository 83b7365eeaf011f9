import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { chunkPages } from '#text';

const WORDS = 60_000;
const OPTIONS = { chunkTokens: 400, overlapTokens: 60 };
const VOCABULARY = ('the committee reviewed annual budget staff projects transformation report meeting results growth quarter ' +
  'company council decision policy members proposal revenue expenses forecast market customers service quality').split(' ');
const FRENCH = ('le comité a examiné budget annuel les effectifs projets réunion prévue février résultats hausse ' +
  'société équipe à été déjà très où garçon naïf cœur élève façon 🚀 📈 ✅ 🇫🇷').split(' ');

const ENGLISH_SYLLABLES = 'con tra ment ing pro ble sta tion der port ven lic ar ous able com'.split(' ');
const FRENCH_SYLLABLES = 'ré dé é pré ça tion ment eur ière oi gné où è ê ô ç'.split(' ');

/** A deterministic pseudo-random word picker (a linear congruential sequence), so that every run measures the same text. */
function picker(words: string[]): () => string {
  let state = 12_345;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return words[state % words.length];
  };
}

/** A vocabulary of a few thousand words, as a long document has, built from syllables. */
function vocabulary(base: string[], syllables: string[]): string[] {
  const words = [...base];
  for (const a of syllables) for (const b of syllables) words.push(a + b, a + b + syllables[(a.length * 7 + b.length) % syllables.length]);
  return words;
}

function sentences(word: () => string): string {
  const parts: string[] = [];
  for (let i = 0; i < WORDS; i++) {
    const end = i % 17 === 16 ? (i % 85 === 84 ? '.\n\n' : '. ') : ' ';
    parts.push(word() + end);
  }
  return parts.join('').trim();
}

/** 60k words (or 300 KB for the base64 run) of each shape the chunker meets in uploads. */
export function chunkingShapes(): Record<string, string> {
  const english = picker(vocabulary(VOCABULARY, ENGLISH_SYLLABLES));
  return {
    prose: sentences(english),
    unpunctuated: Array.from({ length: WORDS }, () => english()).join(' '),
    numbers: Array.from({ length: WORDS }, (_, i) => String((i * 7919 + 10_007) % 1_000_003)).join(' '),
    base64: randomBytes(300_000).toString('base64'),
    csv: Array.from({ length: WORDS / 6 }, (_, i) => `${i},${english()},${(i * 37) % 9973}.${i % 100},2024-${1 + (i % 12)}-${1 + (i % 28)},${english()},ok`).join('\n'),
    french: sentences(picker(vocabulary(FRENCH, FRENCH_SYLLABLES))),
  };
}

/**
 * Seconds to chunk each shape as one page (chunkTokens 400, overlap 60): the slowest of three runs — the
 * first, before the encoder's cache of merged pieces knows the shape's words — after a warm-up that loads
 * the vocabulary (~0.1 s, once per process or extraction thread).
 */
export async function benchChunking(): Promise<Record<string, number>> {
  const shapes = chunkingShapes();
  chunkPages([{ page: 1, text: 'warm up' }], OPTIONS);
  const seconds: Record<string, number> = {};
  for (const [name, text] of Object.entries(shapes)) {
    let slowest = 0;
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      chunkPages([{ page: 1, text }], OPTIONS);
      slowest = Math.max(slowest, (performance.now() - start) / 1000);
      await new Promise((resolve) => setImmediate(resolve));
    }
    seconds[name] = Math.round(slowest * 1000) / 1000;
  }
  return seconds;
}
