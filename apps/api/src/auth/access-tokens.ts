import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthorizedError } from '../../../../libs/common/src';
import { AuthUser, SessionsService } from '../sessions/sessions.service';

/**
 * Checks a bearer token outside HTTP (the socket handshake) with the same
 * rules as the HTTP guard: HS256 only, signature, `exp` required, live session.
 */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly jwt: JwtService,
    private readonly sessions: SessionsService,
  ) {}

  async verify(token: string): Promise<AuthUser> {
    let payload: { sub?: unknown; sid?: unknown; exp?: unknown };
    try {
      payload = await this.jwt.verifyAsync(token, { algorithms: ['HS256'] });
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
