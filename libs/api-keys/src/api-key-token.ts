import { createHash, randomBytes } from 'node:crypto';

/** Every personal API key starts so: the web routes tell it from a session token at a glance, and secret scanners find it. */
export const API_KEY_PREFIX = 'fgk_';

/** How many characters of the token lists show (`fgk_` and 8 more): enough to tell keys apart, useless to guess one. */
export const API_KEY_SHOWN_CHARS = 12;

/** What a key looks like; anything else is refused without a query. */
const API_KEY_TOKEN = /^fgk_[A-Za-z0-9_-]{43}$/;

/** Why the web routes and the socket refuse a key (they take only session tokens). */
export const API_KEYS_ONLY_ON_V1 = 'API keys are accepted only on the OpenAI-compatible routes under /v1';

/** `fgk_` and 32 random bytes, base64url. Shown once; only its hash is stored. */
export function newApiKeyToken(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The stored form of a token: SHA-256, hex. A key is found by this hash, so no comparison of secrets happens. */
export function hashApiKeyToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function isApiKeyToken(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

export function isWellFormedApiKey(token: string): boolean {
  return API_KEY_TOKEN.test(token);
}
