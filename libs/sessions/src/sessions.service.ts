import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { NotFoundError, toPage } from '#common';
import type { Page } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { SessionsRepository } from '#database';
import type { PageRange, ProviderSessionMatch, Session } from '#database';
import type { AuthUser } from '#auth';
import { AuditLog } from '#audit';
import { SESSION_CACHE } from './session-cache';
import type { CachedSession, SessionCache } from './session-cache';
import { SessionRevocations } from './session-revocations';

/** Where a single sign-on session came from. */
export interface ProviderSession {
  identityId: number;
  /** The provider's `sid` claim, when it sends one. */
  idpSid?: string;
}

@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    @Inject(SESSION_CACHE) private readonly cache: SessionCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly revocations: SessionRevocations,
    private readonly audit: AuditLog,
  ) {}

  /** `provider`: for a single sign-on, the identity and the provider's session (`sid`) it came from. */
  async create(userId: number, userAgent: string | undefined, ip: string | undefined, provider?: ProviderSession): Promise<Session> {
    return this.sessions.insert({
      id: randomUUID(),
      user_id: userId,
      user_agent: userAgent?.slice(0, 512) ?? null,
      ip: ip?.slice(0, 64) ?? null,
      expires_at: new Date(Date.now() + this.config.auth.jwtExpiresInSeconds * 1000),
      identity_id: provider?.identityId ?? null,
      idp_sid: provider?.idpSid?.slice(0, 255) ?? null,
    });
  }

  /** Whether the session came from a single sign-on (it has a provider identity). */
  async isFromProvider(sessionId: string): Promise<boolean> {
    const session = await this.sessions.findWithUser(sessionId);
    return session?.identity_id != null;
  }

  /** A provider's back-channel logout: ends every live session it names (cached copies go, sockets close); how many. */
  async revokeFromProvider(match: ProviderSessionMatch): Promise<number> {
    const ids = await this.sessions.unrevokedIdsFromProvider(match);
    if (ids.length === 0) return 0;
    await this.sessions.revoke(ids);
    await this.ended(ids);
    return ids.length;
  }

  /**
   * The user behind a session if it is live (exists, not revoked, not expired)
   * and the user is active; null otherwise. Served from the cache (Redis when
   * configured) so that authenticating is not a database query per request;
   * from the database when the cache cannot answer.
   */
  async authenticate(sessionId: string): Promise<AuthUser | null> {
    const lookup = await this.cache.lookup(sessionId);
    let entry = lookup.entry;
    if (!entry) {
      entry = (await this.loadLive(sessionId)) ?? undefined;
      if (!entry) return null;
      await lookup.fill?.(entry);
    }
    if (entry.expires_at <= Date.now()) return null;
    return { ...entry.user, session_id: sessionId, session_expires_at: entry.expires_at };
  }

  /**
   * A page of the user's live sessions, newest login first. Their ids are random UUIDs, so the cursor
   * is a creation time in µs since the epoch; a page never ends inside a run of sessions created in the
   * same microsecond (unless the run is longer than a page), so that `before` skips none of them.
   */
  async list(userId: number, query: PageRange): Promise<Page<Session>> {
    const rows = await this.sessions.listLivePage(userId, { limit: query.limit + 1, before: query.before });
    let end = Math.min(query.limit, rows.length);
    while (end > 1 && end < rows.length && rows[end - 1].cursor === rows[end].cursor) end--;
    return toPage(rows.slice(0, end + 1), end, (row) => row.session, (row) => row.cursor);
  }

  /** Revokes one of the user's sessions; another user's session is not found. */
  async revokeOwn(userId: number, sessionId: string): Promise<void> {
    if (!(await this.sessions.revokeOwn(userId, sessionId))) throw new NotFoundError('Session not found');
    await this.ended([sessionId]);
  }

  /** The signed-in user revokes one of their sessions (audited). */
  async revokeMine(user: AuthUser, sessionId: string): Promise<void> {
    await this.revokeOwn(user.id, sessionId);
    await this.audit.record({ action: 'session.revoke', actor: user, target: { type: 'session', id: sessionId }, details: { count: 1 } });
  }

  /** The signed-in user revokes every session but the one they use (audited). */
  async revokeMyOthers(user: AuthUser): Promise<void> {
    const count = await this.revokeAll(user.id, user.session_id);
    await this.audit.record({
      action: 'session.revoke',
      actor: user,
      target: { type: 'user', id: user.id, label: user.email },
      details: { count },
    });
  }

  /** Revokes every live session of the user, except `keep` when given. */
  async revokeAll(userId: number, keep?: string): Promise<number> {
    const ids = await this.sessions.unrevokedIds(userId, keep);
    if (ids.length === 0) return 0;
    await this.sessions.revoke(ids);
    await this.ended(ids);
    return ids.length;
  }

  /** Drops cached copies after a change to the user (role, activity). */
  async forgetUser(userId: number): Promise<void> {
    await this.dropCached(await this.liveIds(userId));
  }

  /** Ids of the user's unrevoked sessions, e.g. to forget them once the user is deleted. */
  liveIds(userId: number): Promise<string[]> {
    return this.sessions.unrevokedIds(userId);
  }

  private async loadLive(sessionId: string): Promise<CachedSession | null> {
    const session = await this.sessions.findWithUser(sessionId);
    if (!session || session.revoked_at || session.expires_at.getTime() <= Date.now()) return null;
    const user = session.user;
    if (!user || !user.is_active) return null;
    // Refreshed at most once per cache lifetime, which is precise enough for "last seen".
    await this.sessions.touch(session.id);
    return {
      user: { id: user.id, email: user.email, trigramme: user.trigramme, is_admin: user.is_admin },
      expires_at: session.expires_at.getTime(),
    };
  }

  /** Sessions that ended (revoked, or their user deleted): cached copies go, live connections close. */
  async ended(sessionIds: string[]): Promise<void> {
    await this.dropCached(sessionIds);
    this.revocations.revoked(sessionIds);
  }

  private async dropCached(sessionIds: string[]): Promise<void> {
    if (sessionIds.length > 0) await this.cache.drop(sessionIds);
  }
}
