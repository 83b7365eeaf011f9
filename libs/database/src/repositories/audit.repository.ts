import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { AuditEvent } from '../entities/audit-event.entity';
import type { AuditOutcome } from '../entities/audit-event.entity';
import type { PageRange } from './page-range';

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'created_at'>;

/** What an admin filters the audit log by; every field optional, all must match. */
export interface AuditFilter {
  actorId?: number;
  /** Exact, or every action starting with it when `actionPrefix` is set (e.g. `auth.`). */
  action?: string;
  actionPrefix?: boolean;
  targetType?: string;
  targetId?: string;
  outcome?: AuditOutcome;
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
}

/** Every query on the audit log (append-only but for retention and pseudonymisation). */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(event: NewAuditEvent): Promise<void> {
    const events = this.dataSource.getRepository(AuditEvent);
    await events.save(events.create(event));
  }

  /** A page of matching records, newest (highest id) first. */
  list(filter: AuditFilter, range: PageRange): Promise<AuditEvent[]> {
    const builder = this.dataSource.getRepository(AuditEvent).createQueryBuilder('event').orderBy('event.id', 'DESC').take(range.limit);
    if (filter.actorId !== undefined) builder.andWhere('event.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.action !== undefined) {
      // starts_with, not LIKE: action names contain `_`, a LIKE wildcard.
      const condition = filter.actionPrefix ? 'starts_with(event.action, :action)' : 'event.action = :action';
      builder.andWhere(condition, { action: filter.action });
    }
    if (filter.targetType !== undefined) builder.andWhere('event.target_type = :targetType', { targetType: filter.targetType });
    if (filter.targetId !== undefined) builder.andWhere('event.target_id = :targetId', { targetId: filter.targetId });
    if (filter.outcome !== undefined) builder.andWhere('event.outcome = :outcome', { outcome: filter.outcome });
    if (filter.from) builder.andWhere('event.created_at >= :from', { from: filter.from });
    if (filter.to) builder.andWhere('event.created_at < :to', { to: filter.to });
    if (range.before) builder.andWhere('event.id < :before', { before: range.before });
    return builder.getMany();
  }

  /**
   * Deletes up to `batchSize` records created before `cutoff`; returns how
   * many went. Batches keep each transaction and its locks short.
   */
  async deleteOlderThan(cutoff: Date, batchSize: number): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(AuditEvent)
      .where('id IN (SELECT id FROM audit_events WHERE created_at < :cutoff LIMIT :batchSize)', { cutoff, batchSize })
      .execute();
    return result.affected ?? 0;
  }

  /**
   * Removes a deleted user's name from the log, keeping their id so every
   * record still counts: their email as actor or target label (by id, so the
   * labels of earlier emails too, and by value), and wherever the current email
   * appears in details (a value equal to it becomes null; inside longer text it
   * becomes "deleted user"). In the caller's transaction when given one, so
   * it is done with the deletion or not at all. Scans the log: deletions are rare.
   */
  async pseudonymiseUser(userId: number, email: string, manager?: EntityManager): Promise<void> {
    const run = manager ?? this.dataSource.manager;
    const address = email.toLowerCase();
    await run.query('UPDATE audit_events SET actor_label = NULL WHERE actor_label IS NOT NULL AND (actor_id = $1 OR lower(actor_label) = $2)', [userId, address]);
    await run.query(
      `UPDATE audit_events SET target_label = NULL
       WHERE target_label IS NOT NULL AND ((target_type = 'user' AND target_id = $1) OR lower(target_label) = $2)`,
      [String(userId), address],
    );
    // Email characters are literal in the pattern; a JSON string value is followed by , } or ], a key by :.
    const literal = address.replace(/[\\^$.*+?()[\]{}|-]/g, '\\$&');
    await run.query(
      `UPDATE audit_events
       SET details = regexp_replace(regexp_replace(details::text, $1, 'null', 'gi'), $2, 'deleted user', 'gi')::jsonb
       WHERE details IS NOT NULL AND strpos(lower(details::text), $3) > 0`,
      [`"${literal}"(?=\\s*[,}\\]])`, literal, address],
    );
  }
}
