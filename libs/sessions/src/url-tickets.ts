import { Inject, Injectable } from '@nestjs/common';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import type { AuthUser } from '#auth';
import { SessionsService } from './sessions.service';

/** What a ticket opens: one chat's answer stream, or one document's bytes. */
export type TicketPurpose = 'chat-stream' | 'document';

/** How long a ticket is valid: long enough to put in a URL and load it, too short to be worth stealing. */
export const TICKET_SECONDS = 60;

export interface IssuedTicket {
  ticket: string;
  expires_at: string;
}

interface TicketPayload {
  p: TicketPurpose;
  r: number;
  u: number;
  s: string;
  e: number;
}

/**
 * Short-lived, single-purpose signed tickets that stand in for the bearer token
 * in a URL a browser loads by itself (EventSource, <img>, a download link).
 * HMAC-SHA256 with a key derived from the JWT secret (never the secret itself);
 * bound to a purpose, a resource id, a user and a session that must still be live.
 */
@Injectable()
export class UrlTickets {
  private key?: Buffer;

  constructor(
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  issue(user: AuthUser, purpose: TicketPurpose, resourceId: number, now = Date.now()): IssuedTicket {
    const expires = Math.floor(now / 1000) + TICKET_SECONDS;
    const payload: TicketPayload = { p: purpose, r: resourceId, u: user.id, s: user.session_id, e: expires };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return { ticket: `${body}.${this.sign(body)}`, expires_at: new Date(expires * 1000).toISOString() };
  }

  /** A relative URL to `path` carrying a fresh ticket, as the ticket routes answer it. */
  issueUrl(user: AuthUser, purpose: TicketPurpose, resourceId: number, path: string): { url: string; expires_at: string } {
    const { ticket, expires_at } = this.issue(user, purpose, resourceId);
    return { url: `${path}?ticket=${ticket}`, expires_at };
  }

  /** The user the ticket was issued to; 401 unless it is intact, unexpired, for this purpose and resource, and its session live. */
  async verify(ticket: string, purpose: TicketPurpose, resourceId: number): Promise<AuthUser> {
    const payload = this.open(ticket);
    if (!payload || payload.p !== purpose || payload.r !== resourceId || payload.e * 1000 <= Date.now()) {
      throw new UnauthorizedError('Invalid or expired ticket');
    }
    const user = await this.sessions.authenticate(payload.s);
    if (!user || user.id !== payload.u) throw new UnauthorizedError('Invalid or expired ticket');
    return user;
  }

  private open(ticket: string): TicketPayload | null {
    const [body, signature, ...rest] = ticket.split('.');
    if (!body || !signature || rest.length > 0) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<TicketPayload>;
      const { p, r, u, s, e } = payload;
      const valid = typeof p === 'string' && Number.isInteger(r) && Number.isInteger(u) && typeof s === 'string' && Number.isInteger(e);
      return valid ? (payload as TicketPayload) : null;
    } catch {
      return null;
    }
  }

  private sign(body: string): string {
    // Derived when first needed (a worker that loads this module never signs).
    this.key ??= Buffer.from(hkdfSync('sha256', this.config.auth.jwtSecret!, 'foyergpt', 'url-ticket/v1', 32));
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
