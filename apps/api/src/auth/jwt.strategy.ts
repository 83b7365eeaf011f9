import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { UnauthorizedError } from '../../../../libs/common/src';
import { APP_CONFIG } from '../../../../libs/config/src';
import type { AppConfig } from '../../../../libs/config/src';
import { AuthUser, SessionsService } from '../sessions/sessions.service';

export interface TokenPayload {
  sub: string;
  sid: string;
  exp?: number;
}

/**
 * Bearer tokens: HS256 only (so `alg: none` and other algorithms fail), a
 * signature and an `exp` are required, and the session they name must be live.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.auth.jwtSecret!,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(payload: TokenPayload): Promise<AuthUser> {
    if (typeof payload.exp !== 'number' || typeof payload.sid !== 'string' || typeof payload.sub !== 'string') {
      throw new UnauthorizedError();
    }
    const user = await this.sessions.authenticate(payload.sid);
    if (!user || String(user.id) !== payload.sub) throw new UnauthorizedError();
    return user;
  }
}
