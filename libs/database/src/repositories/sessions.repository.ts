import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, Not, Repository } from 'typeorm';
import { Session } from '../entities/session.entity';
import type { PageRange } from './page-range';

export type NewSessionRow = Pick<Session, 'id' | 'user_id' | 'user_agent' | 'ip' | 'expires_at'> &
  Partial<Pick<Session, 'identity_id' | 'idp_sid'>>;

/** What a provider's back-channel logout names: its user (`subject`) and/or its own session (`sid`). */
export interface ProviderSessionMatch {
  issuer: string;
  subject?: string;
  sid?: string;
}

/** A listed session and its page cursor (created_at in µs since the epoch). */
export interface SessionRow {
  session: Session;
  cursor: number;
}

/** Every query on sessions. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get sessions(): Repository<Session> {
    return this.dataSource.getRepository(Session);
  }

  insert(row: NewSessionRow): Promise<Session> {
    return this.sessions.save(this.sessions.create({ ...row, revoked_at: null }));
  }

  /** The session with its user (absent once the user is deleted), or null. */
  findWithUser(id: string): Promise<Session | null> {
    return this.sessions.findOne({ where: { id }, relations: { user: true } });
  }

  async touch(id: string): Promise<void> {
    await this.sessions.update(id, { last_seen_at: new Date() });
  }

  /**
   * A page of the user's unrevoked, unexpired sessions, newest login first, each with its
   * `cursor`: its created_at in whole microseconds since the epoch (exact: a Date would drop
   * the microseconds). `before` is such a cursor: only sessions created strictly earlier.
   */
  async listLivePage(userId: number, { limit, before }: PageRange): Promise<SessionRow[]> {
    const builder = this.sessions
      .createQueryBuilder('session')
      .addSelect(`(EXTRACT(EPOCH FROM session.created_at) * 1000000)::bigint`, 'cursor')
      .where('session.user_id = :userId AND session.revoked_at IS NULL AND session.expires_at > now()', { userId })
      .orderBy('session.created_at', 'DESC')
      .addOrderBy('session.id', 'DESC')
      .limit(limit);
    if (before) {
      builder.andWhere(`session.created_at < TIMESTAMPTZ 'epoch' + CAST(:before AS bigint) * INTERVAL '1 microsecond'`, { before });
    }
    const { entities, raw } = await builder.getRawAndEntities<{ cursor: string }>();
    return entities.map((session, i) => ({ session, cursor: Number(raw[i].cursor) }));
  }

  /** Ids of the user's unrevoked sessions (expired ones included), but `except`. */
  async unrevokedIds(userId: number, except?: string): Promise<string[]> {
    const rows = await this.sessions.find({
      select: { id: true },
      where: { user_id: userId, revoked_at: IsNull(), ...(except ? { id: Not(except) } : {}) },
    });
    return rows.map((session) => session.id);
  }

  /**
   * Ids of the unrevoked single sign-on sessions a provider's logout names: with a `sid`, those of that
   * provider session (and of that subject when given; a session whose sid the provider never told us cannot
   * be told apart, so it goes too); with only a `subject`, every session of that identity.
   */
  async unrevokedIdsFromProvider({ issuer, subject, sid }: ProviderSessionMatch): Promise<string[]> {
    if (!subject && !sid) return [];
    const builder = this.sessions
      .createQueryBuilder('session')
      .select('session.id', 'id')
      .innerJoin('session.identity', 'identity')
      .where('session.revoked_at IS NULL AND identity.issuer = :issuer', { issuer });
    if (subject) builder.andWhere('identity.subject = :subject', { subject });
    if (sid && subject) builder.andWhere('(session.idp_sid = :sid OR session.idp_sid IS NULL)', { sid });
    else if (sid) builder.andWhere('session.idp_sid = :sid', { sid });
    const rows = await builder.getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  /** Revokes the session if it is the user's and unrevoked; false when it was not. */
  async revokeOwn(userId: number, id: string): Promise<boolean> {
    const result = await this.sessions.update({ id, user_id: userId, revoked_at: IsNull() }, { revoked_at: new Date() });
    return !!result.affected;
  }

  /** Revokes those of the sessions not yet revoked. */
  async revoke(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.sessions
      .createQueryBuilder()
      .update()
      .set({ revoked_at: () => 'now()' })
      .whereInIds(ids)
      .andWhere('revoked_at IS NULL')
      .execute();
  }

  /** Deletes expired sessions and those revoked more than `revokedRetentionDays` ago; how many went. */
  async deleteFinished(revokedRetentionDays: number): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(Session)
      .where('expires_at < now()')
      .orWhere('revoked_at < now() - make_interval(days => :days)', { days: revokedRetentionDays })
      .execute();
    return result.affected ?? 0;
  }
}
