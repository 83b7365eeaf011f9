import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey, KeyObject } from 'node:crypto';
import { sign, verify } from 'jsonwebtoken';
import { UnauthorizedError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { SessionsService } from '#sessions';
import type { AuthUser } from './auth-user';

// Sessions are keyed by UUID; anything else names no session (and must not reach a uuid column).
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface TokenPayload {
  sub?: unknown;
  sid?: unknown;
  exp?: unknown;
}

/**
 * Bearer tokens, for HTTP and the socket handshake alike: HS256 only (so
 * `alg: none` and other algorithms fail), a signature and an `exp` are
 * required, and the session they name must be live.
 */
@Injectable()
export class AccessTokens {
  // A KeyObject, not the secret string: given a string, jsonwebtoken first
  // tries (and fails) to parse it as a public key on every verification,
  // which cost more than everything else in a cached request (profiled).
  private readonly key: KeyObject;

  constructor(
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.key = createSecretKey(Buffer.from(config.auth.jwtSecret!, 'utf8'));
  }

  issue(userId: number, sessionId: string, expiresInSeconds: number): string {
    return sign({ sub: String(userId), sid: sessionId }, this.key, { algorithm: 'HS256', expiresIn: expiresInSeconds });
  }

  async verify(token: string): Promise<AuthUser> {
    let payload: TokenPayload;
    try {
      payload = verify(token, this.key, { algorithms: ['HS256'] }) as TokenPayload;
    } catch {
      throw new UnauthorizedError();
    }
    const { exp, sid, sub } = payload;
    if (typeof exp !== 'number' || typeof sid !== 'string' || !SESSION_ID.test(sid) || typeof sub !== 'string') {
      throw new UnauthorizedError();
    }
    const user = await this.sessions.authenticate(sid);
    if (!user || String(user.id) !== sub) throw new UnauthorizedError();
    return user;
  }
}
