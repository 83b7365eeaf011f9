import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AUTHENTICATION, ForbiddenError, UnauthorizedError } from '#common';
import type { AuthenticationOptions } from '#common';
import { AccessTokens } from './access-tokens';
import type { AuthUser } from './auth-user';

const BEARER = /^Bearer ([^\s]+)$/i;

/**
 * The global guard (APP_GUARD): routes marked @Authenticated require a valid
 * bearer token, and an admin's when asked; other routes and socket handlers pass.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokens,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<AuthenticationOptions | undefined>(AUTHENTICATION, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!token) throw new UnauthorizedError();
    const user = await this.tokens.verify(token);
    request.user = user;
    if (required.admin && !user.is_admin) throw new ForbiddenError('Admin rights required');
    return true;
  }
}
