import { createHash } from 'node:crypto';
import * as bcrypt from 'bcrypt';

/**
 * bcrypt reads only the first 72 bytes, so two long passwords sharing a prefix
 * would collide. Hashing the password with SHA-256 first (base64: 44 bytes)
 * makes every character count.
 */
function prehash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('base64');
}

export function hashPassword(password: string, rounds: number): Promise<string> {
  return bcrypt.hash(prehash(password), rounds);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(prehash(password), hash);
}
