import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Message } from '../entities/message.entity';

/** The walk from a message up to its chat's root, by parent_id. $1: the leaf; $2: most messages. */
const PATH_UP = `WITH RECURSIVE path AS (
    SELECT m.*, 1 AS depth FROM messages m WHERE m.id = $1
    UNION ALL
    SELECT p.*, path.depth + 1 FROM messages p JOIN path ON p.id = path.parent_id WHERE path.depth < $2
  )`;

/**
 * Reads of a chat's message tree (messages.parent_id: an answer's parent is
 * its question; a question's, the answer it follows). The active path is the
 * walk from the chat's active leaf up to the root.
 */
@Injectable()
export class ConversationTreeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The messages from the root to `leafId`, root first; at most `limit` (the newest when cut). */
  async pathTo(leafId: number, limit = 100_000, manager: EntityManager = this.dataSource.manager): Promise<Message[]> {
    const rows: Message[] = await manager.query(`${PATH_UP} SELECT * FROM path ORDER BY depth DESC`, [leafId, limit]);
    const messages = manager.getRepository(Message);
    return rows.map(({ depth: _depth, ...row }: Message & { depth?: number }) => messages.create(row));
  }
}
