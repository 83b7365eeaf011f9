import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ForbiddenError, UnauthorizedError } from '../../../../libs/common/src';
import type { AuthUser } from '../sessions/sessions.service';

export const ADMIN_ONLY = 'auth:admin-only';

/** Requires a valid bearer token; on admin routes, an admin's. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    const adminOnly = this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, [context.getHandler(), context.getClass()]);
    const user = context.switchToHttp().getRequest<{ user: AuthUser }>().user;
    if (adminOnly && !user.is_admin) throw new ForbiddenError('Admin rights required');
    return true;
  }

  override handleRequest<T>(error: unknown, user: T): T {
    if (error instanceof UnauthorizedError) throw error;
    if (error || !user) throw new UnauthorizedError();
    return user;
  }
}
