import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AUTHENTICATION, ForbiddenError, UnauthorizedError } from '#common';
import type { AuthenticationOptions } from '#common';
import { UrlTickets } from '#sessions';
import type { TicketPurpose } from '#sessions';
import { AccessTokens } from './access-tokens';
import type { AuthUser } from './auth-user';

const BEARER = /^Bearer ([^\s]+)$/i;

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
    if (token) user = await this.tokens.verify(token);
    else if (required.ticket && typeof ticket === 'string' && ticket !== '') {
      const resourceId = Number(request.params[required.ticket.param]);
      user = await this.tickets.verify(ticket, required.ticket.purpose as TicketPurpose, resourceId);
    } else throw new UnauthorizedError();
    request.user = user;
    if (required.admin && !user.is_admin) throw new ForbiddenError('Admin rights required');
    return true;
  }
}
