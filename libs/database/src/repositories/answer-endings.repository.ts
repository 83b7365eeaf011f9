import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Message } from '../entities/message.entity';
import { UsageRecord } from '../entities/usage-record.entity';
import type { NewUsageRecord } from './usage.repository';
import { MESSAGE_TSV_SQL } from './conversation-tree.repository';
import { unaccent } from './search/text-search';

/** An answer ended outside its run (a sweep, a stop nobody ran), with what its usage row needs. */
export interface EndedAnswer {
  message: Message;
  /** The chat's owner: whose budget the answer counts against. */
  userId: number;
  agentId: number | null;
  /** Another answer to the same question came before it. */
  regenerated: boolean;
}

/** A usage row's columns, with the types its parameters are read as. */
const USAGE_CASTS: Record<keyof NewUsageRecord, string> = {
  user_id: 'int',
  agent_id: 'int',
  chat_id: 'int',
  message_id: 'int',
  document_id: 'int',
  purpose: 'varchar',
  provider: 'varchar',
  model: 'varchar',
  prompt_tokens: 'int',
  completion_tokens: 'int',
  estimated: 'boolean',
  latency_ms: 'int',
  outcome: 'varchar',
  cost: 'numeric',
};

type EndedRow = Message & { chat_user_id: number; chat_agent_id: number | null; regenerated: boolean };

// With `m` the ended answer and `c` its chat.
const ENDED_EXTRAS = `c.user_id AS chat_user_id, c.agent_id AS chat_agent_id,
  EXISTS (SELECT 1 FROM messages e WHERE e.parent_id = m.parent_id AND e.role = 'assistant' AND e.id < m.id) AS regenerated`;

/**
 * Where answers end, and are counted: each end of a streaming answer (by its
 * run, a stop, the shutdown or the sweep after a crash) writes its usage row
 * in the same transaction, so an answer is never left uncounted or counted twice.
 */
@Injectable()
export class AnswerEndingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Ends a streaming answer with these fields; null when it is no longer
   * streaming. Its usage row (given, or made from the ended answer) is written
   * in the same transaction: an answer is counted exactly when it ends.
   */
  async end(
    id: number,
    fields: QueryDeepPartialEntity<Message>,
    usage: NewUsageRecord | ((ended: EndedAnswer) => NewUsageRecord),
  ): Promise<Message | null> {
    // The text is final now: indexed for search in the same statement when given, else from the saved text.
    const content = typeof fields.content === 'string' ? fields.content : undefined;
    if (content !== undefined && typeof usage !== 'function') return this.endWithRow(id, fields, content, usage);
    return this.dataSource.transaction(async (manager) => {
      const { raw } = await manager
        .createQueryBuilder()
        .update(Message)
        .set(content === undefined ? fields : { ...fields, tsv: () => MESSAGE_TSV_SQL(':tsvText') })
        .where("id = :id AND status = 'streaming'", { id, tsvText: content === undefined ? null : unaccent(content) })
        .returning('*')
        .execute();
      const row = (raw as Message[])[0];
      if (!row) return null;
      if (content === undefined) await this.index(manager, [row]);
      if (typeof usage !== 'function') {
        await manager.insert(UsageRecord, usage);
        return manager.getRepository(Message).create(row);
      }
      const [extras]: Omit<EndedRow, keyof Message>[] = await manager.query(
        `SELECT ${ENDED_EXTRAS} FROM messages m JOIN chats c ON c.id = m.chat_id WHERE m.id = $1`,
        [id],
      );
      const ended = this.endedAnswer(manager, { ...row, ...extras });
      await manager.insert(UsageRecord, usage(ended));
      return ended.message;
    });
  }

  /**
   * An answer's end as its run writes it (its final text and its own usage
   * row): one statement, atomic as the transaction, in one round trip.
   */
  private async endWithRow(
    id: number,
    fields: QueryDeepPartialEntity<Message>,
    content: string,
    usage: NewUsageRecord,
  ): Promise<Message | null> {
    const parameters: unknown[] = [id, unaccent(content)];
    const placeholder = (value: unknown) => `$${parameters.push(value)}`;
    const message = this.dataSource.getMetadata(Message);
    const assignments = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([property, value]) => {
        const column = message.findColumnWithPropertyName(property)!;
        // A raw parameter is not converted as TypeORM would: a jsonb value (an answer's parts) goes as its JSON text.
        return `"${column.databaseName}" = ${placeholder(column.type === 'jsonb' && value !== null ? JSON.stringify(value) : value)}`;
      });
    const columns = Object.keys(USAGE_CASTS) as (keyof NewUsageRecord)[];
    const values = columns.map((column) => `${placeholder(usage[column] ?? null)}::${USAGE_CASTS[column]}`);
    const rows: Message[] = await this.dataSource.query(
      `WITH ended AS (
         UPDATE messages SET ${assignments.join(', ')}, tsv = ${MESSAGE_TSV_SQL('$2')}
         WHERE id = $1 AND status = 'streaming' RETURNING *
       ), counted AS (
         INSERT INTO usage_records (${columns.join(', ')}) SELECT ${values.join(', ')} FROM ended
       )
       SELECT * FROM ended`,
      parameters,
    );
    return rows[0] ? this.dataSource.getRepository(Message).create(rows[0]) : null;
  }

  /**
   * Ends `interrupted` (keeping their text) the answers whose process is gone:
   * silent past `silentSeconds` or running past `overdueSeconds` (written by
   * a version without heartbeats), or every streaming one when `all`. Their
   * usage rows (from `usage`) are written in the same transaction.
   */
  async interrupt(
    options: { all: boolean; silentSeconds: number; overdueSeconds: number; reason: string },
    usage: (ended: EndedAnswer) => NewUsageRecord,
  ): Promise<Message[]> {
    return this.dataSource.transaction(async (manager) => {
      // As a SELECT: a bare UPDATE's result comes back as [rows, count].
      const rows: EndedRow[] = await manager.query(
        `WITH ended AS (
           UPDATE messages m SET status = 'interrupted', error = $1 FROM chats c
           WHERE c.id = m.chat_id AND m.status = 'streaming'
             AND ($2 OR m.heartbeat_at < now() - make_interval(secs => $3) OR m.created_at < now() - make_interval(secs => $4))
           RETURNING m.*, ${ENDED_EXTRAS}
         ) SELECT * FROM ended`,
        [options.reason, options.all, options.silentSeconds, options.overdueSeconds],
      );
      const ended = rows.map((row) => this.endedAnswer(manager, row));
      await this.index(manager, rows);
      if (ended.length) await manager.insert(UsageRecord, ended.map(usage));
      return ended.map(({ message }) => message);
    });
  }

  /** Writes the full-text index of ended answers from their saved text (unaccented here, as search expects). */
  private async index(manager: EntityManager, rows: Pick<Message, 'id' | 'content'>[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `UPDATE messages m SET tsv = ${MESSAGE_TSV_SQL('x.u')} FROM unnest($1::int[], $2::text[]) AS x(id, u) WHERE m.id = x.id`,
      [rows.map((row) => row.id), rows.map((row) => unaccent(row.content ?? ''))],
    );
  }

  private endedAnswer(manager: EntityManager, row: EndedRow): EndedAnswer {
    const { chat_user_id, chat_agent_id, regenerated, ...message } = row;
    return { message: manager.getRepository(Message).create(message), userId: chat_user_id, agentId: chat_agent_id, regenerated };
  }
}
