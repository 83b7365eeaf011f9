import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Cache } from 'cache-manager';
import { randomUUID } from 'node:crypto';
import { IsNull, MoreThan, Not, Repository } from 'typeorm';
import { NotFoundError } from '../../../../libs/common/src';
import { APP_CONFIG } from '../../../../libs/config/src';
import type { AppConfig } from '../../../../libs/config/src';
import { SessionRevocations } from './session-revocations';
import { Session, User } from '../../../../libs/database/src';

/** Who a valid token belongs to, as the guards need it. */
export interface AuthUser {
  id: number;
  email: string;
  trigramme: string;
  is_admin: boolean;
  session_id: string;
}

interface CachedSession {
  user: Omit<AuthUser, 'session_id'>;
  expires_at: number;
}

// Short enough that a missed invalidation heals quickly; revocations delete the entry at once.
const CACHE_TTL_MS = 60_000;

@Injectable()
export class SessionsService {
  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly revocations: SessionRevocations,
  ) {}

  async create(userId: number, userAgent: string | undefined, ip: string | undefined): Promise<Session> {
    return this.sessions.save(
      this.sessions.create({
        id: randomUUID(),
        user_id: userId,
        user_agent: userAgent?.slice(0, 512) ?? null,
        ip: ip?.slice(0, 64) ?? null,
        expires_at: new Date(Date.now() + this.config.auth.jwtExpiresInSeconds * 1000),
        revoked_at: null,
      }),
    );
  }

  /**
   * The user behind a session if it is live (exists, not revoked, not expired)
   * and the user is active; null otherwise. Served from the cache (Redis when
   * configured) so that authenticating is not a database query per request.
   */
  async authenticate(sessionId: string): Promise<AuthUser | null> {
    const key = this.cacheKey(sessionId);
    let entry = await this.cache.get<CachedSession>(key);
    if (!entry) {
      entry = (await this.loadLive(sessionId)) ?? undefined;
      if (!entry) return null;
      await this.cache.set(key, entry, CACHE_TTL_MS);
    }
    if (entry.expires_at <= Date.now()) return null;
    return { ...entry.user, session_id: sessionId };
  }

  /** The user's live sessions, most recently used first. */
  list(userId: number): Promise<Session[]> {
    return this.sessions.find({
      where: { user_id: userId, revoked_at: IsNull(), expires_at: MoreThan(new Date()) },
      order: { last_seen_at: 'DESC' },
    });
  }

  /** Revokes one of the user's sessions; another user's session is not found. */
  async revokeOwn(userId: number, sessionId: string): Promise<void> {
    const result = await this.sessions.update(
      { id: sessionId, user_id: userId, revoked_at: IsNull() },
      { revoked_at: new Date() },
    );
    if (!result.affected) throw new NotFoundError('Session not found');
    await this.ended([sessionId]);
  }

  /** Revokes every live session of the user, except `keep` when given. */
  async revokeAll(userId: number, keep?: string): Promise<number> {
    const live = await this.sessions.find({
      select: { id: true },
      where: { user_id: userId, revoked_at: IsNull(), ...(keep ? { id: Not(keep) } : {}) },
    });
    if (live.length === 0) return 0;
    const ids = live.map((session) => session.id);
    await this.sessions
      .createQueryBuilder()
      .update()
      .set({ revoked_at: () => 'now()' })
      .whereInIds(ids)
      .andWhere('revoked_at IS NULL')
      .execute();
    await this.ended(ids);
    return ids.length;
  }

  /** Drops cached copies after a change to the user (role, activity). */
  async forgetUser(userId: number): Promise<void> {
    await this.dropCached(await this.liveIds(userId));
  }

  /** Ids of the user's unrevoked sessions, e.g. to forget them once the user is deleted. */
  async liveIds(userId: number): Promise<string[]> {
    const live = await this.sessions.find({ select: { id: true }, where: { user_id: userId, revoked_at: IsNull() } });
    return live.map((session) => session.id);
  }

  private async loadLive(sessionId: string): Promise<CachedSession | null> {
    const session = await this.sessions.findOne({ where: { id: sessionId }, relations: { user: true } });
    if (!session || session.revoked_at || session.expires_at.getTime() <= Date.now()) return null;
    const user = session.user;
    if (!user || !user.is_active) return null;
    // Refreshed at most once per cache lifetime, which is precise enough for "last seen".
    await this.sessions.update(session.id, { last_seen_at: new Date() });
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
    await Promise.all(sessionIds.map((id) => this.cache.del(this.cacheKey(id))));
  }

  private cacheKey(sessionId: string): string {
    return `session:${sessionId}`;
  }
}
