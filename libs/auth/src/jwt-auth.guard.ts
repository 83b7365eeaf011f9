import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { API_KEYS_ONLY_ON_V1, isApiKeyToken } from '#api-keys';
import { AuditLog } from '#audit';
import { AUTHENTICATION, ForbiddenError, UnauthorizedError } from '#common';
import type { AuthenticationOptions } from '#common';
import { UrlTickets } from '#sessions';
import type { TicketPurpose } from '#sessions';
import { AccessTokens } from './access-tokens';
import type { AuthUser } from './auth-user';

const BEARER = /^Bearer ([^\s]+)$/i;

/** `GET /api/admin/users/:id`: the route's pattern, not the URL, so records of one route are found together. */
function routeOf(request: Request): string {
  const route = request.route as { path?: unknown } | undefined;
  const path = typeof route?.path === 'string' ? route.path : request.path;
  return `${request.method} ${path}`.slice(0, 64);
}

/**
 * The global guard (APP_GUARD): routes marked @Authenticated require a valid
 * bearer token (or, where the route allows it, a `?ticket=` URL ticket for that
 * route's resource), and an admin's when asked; other routes and socket handlers pass.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokens,
    private readonly tickets: UrlTickets,
    private readonly audit: AuditLog,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<AuthenticationOptions | undefined>(AUTHENTICATION, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const ticket = request.query.ticket;
    let user: AuthUser;
    if (token && isApiKeyToken(token)) throw new UnauthorizedError(API_KEYS_ONLY_ON_V1);
    if (token) user = await this.tokens.verify(token);
    else if (required.ticket && typeof ticket === 'string' && ticket !== '') {
      const resourceId = Number(request.params[required.ticket.param]);
      user = await this.tickets.verify(ticket, required.ticket.purpose as TicketPurpose, resourceId);
    } else throw new UnauthorizedError();
    request.user = user;
    if (required.admin && !user.is_admin) {
      await this.audit.record({ action: 'admin.denied', outcome: 'denied', actor: user, target: { type: 'route', id: routeOf(request) } });
      throw new ForbiddenError('Admin rights required');
    }
    return true;
  }
}
