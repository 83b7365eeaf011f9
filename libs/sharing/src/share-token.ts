import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: 43 characters, unguessable. Shown once; only its hash is stored. */
export function newShareToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a token: SHA-256, hex. A link is found by this hash, so no comparison of secrets happens. */
export function hashShareToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** What a token looks like; anything else is the same 404 as an unknown link, without a query. */
export const SHARE_TOKEN = /^[A-Za-z0-9_-]{43}$/;
