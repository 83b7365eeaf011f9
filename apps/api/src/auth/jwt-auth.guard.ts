import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../../../../libs/common/src';
import type { AuthUser } from '../sessions/sessions.service';
import { AccessTokens } from './access-tokens';

export const ADMIN_ONLY = 'auth:admin-only';

const BEARER = /^Bearer ([^\s]+)$/i;

/** Requires a valid bearer token; on admin routes, an admin's. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokens,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!token) throw new UnauthorizedError();
    const user = await this.tokens.verify(token);
    request.user = user;
    const adminOnly = this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, [context.getHandler(), context.getClass()]);
    if (adminOnly && !user.is_admin) throw new ForbiddenError('Admin rights required');
    return true;
  }
}
