import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey, KeyObject } from 'node:crypto';
import { sign, verify } from 'jsonwebtoken';
import { UnauthorizedError } from '../../../../libs/common/src';
import { APP_CONFIG } from '../../../../libs/config/src';
import type { AppConfig } from '../../../../libs/config/src';
import { AuthUser, SessionsService } from '../sessions/sessions.service';

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
    if (typeof payload.exp !== 'number' || typeof payload.sid !== 'string' || typeof payload.sub !== 'string') {
      throw new UnauthorizedError();
    }
    const user = await this.sessions.authenticate(payload.sid);
    if (!user || String(user.id) !== payload.sub) throw new UnauthorizedError();
    return user;
  }
}
