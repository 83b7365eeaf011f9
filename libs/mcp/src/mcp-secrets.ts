import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';

const VERSION = 'v1';

/**
 * Seals the servers' secrets (header and environment values) with AES-256-GCM
 * under a key derived from MCP_SECRET_KEY, else the JWT secret: a database
 * dump alone does not reveal them, and a tampered value fails to open.
 */
@Injectable()
export class McpSecrets {
  private key?: Buffer;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** null for no secret at all, so an empty map stores nothing. */
  seal(values: Record<string, string>): string | null {
    if (Object.keys(values).length === 0) return null;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.secretKey(), iv);
    const sealed = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), sealed].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join(':');
  }

  /** Throws when the value was sealed under another key or altered. */
  open(sealed: string | null): Record<string, string> {
    if (!sealed) return {};
    const [version, iv, tag, data] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('unreadable secret');
    const decipher = createDecipheriv('aes-256-gcm', this.secretKey(), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as Record<string, string>;
  }

  private secretKey(): Buffer {
    // The JWT secret of development is generated after the config is read: take it from auth then.
    const material = this.config.mcp.secretKey || this.config.auth.jwtSecret;
    if (!material) throw new Error('no secret key for MCP secrets');
    this.key ??= Buffer.from(hkdfSync('sha256', material, 'foyergpt', 'mcp-secrets/v1', 32));
    return this.key;
  }
}
