import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Chat } from '../entities/chat.entity';
import { Message } from '../entities/message.entity';
import { tsvectorSql, unaccent } from './search/text-search';

/** The walk from a message up to its chat's root, by parent_id. $1: the leaf; $2: most messages. */
const PATH_UP = `WITH RECURSIVE path AS (
    SELECT m.*, 1 AS depth FROM messages m WHERE m.id = $1
    UNION ALL
    SELECT p.*, path.depth + 1 FROM messages p JOIN path ON p.id = path.parent_id WHERE path.depth < $2
  )`;

/** A message copied onto a branch (a fork, a shared chat continued): what it said, not who ran it. */
export type PathMessage = Pick<Message, 'role' | 'content'> &
  Partial<Pick<Message, 'status' | 'error' | 'llm_model' | 'llm_provider' | 'citations' | 'document_ids' | 'prompt_tokens' | 'completion_tokens' | 'ttft_ms' | 'llm_temperature' | 'llm_max_tokens'>>;

/** The full-text index of a message's content (`$n` holds its unaccented text): see search/text-search. */
export const MESSAGE_TSV_SQL = (parameter: string) => tsvectorSql(parameter);

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

  /**
   * Appends messages as one branch after the chat's active leaf (or as its
   * root), each the parent of the next, and makes the last one the active leaf.
   * Returns their ids in order. In `manager`'s transaction when given.
   */
  async appendPath(chatId: number, path: PathMessage[], manager?: EntityManager): Promise<number[]> {
    if (!manager) return this.dataSource.transaction((inner) => this.appendPath(chatId, path, inner));
    const [chat] = await manager.query('SELECT active_leaf_id FROM chats WHERE id = $1 FOR UPDATE', [chatId]);
    let parentId: number | null = chat?.active_leaf_id ?? null;
    const ids: number[] = [];
    for (const message of path) {
      const [row]: { id: number }[] = await manager.query(
        `INSERT INTO messages (chat_id, parent_id, role, content, status, error, llm_model, llm_provider, citations, document_ids,
           prompt_tokens, completion_tokens, ttft_ms, llm_temperature, llm_max_tokens, tsv)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15, ${MESSAGE_TSV_SQL('$16')}) RETURNING id`,
        [
          chatId,
          parentId,
          message.role,
          message.content,
          message.status ?? 'complete',
          message.error ?? null,
          message.llm_model ?? null,
          message.llm_provider ?? null,
          message.citations ? JSON.stringify(message.citations) : null,
          message.document_ids ?? null,
          message.prompt_tokens ?? null,
          message.completion_tokens ?? null,
          message.ttft_ms ?? null,
          message.llm_temperature ?? null,
          message.llm_max_tokens ?? null,
          unaccent(message.content),
        ],
      );
      ids.push(row.id);
      parentId = row.id;
    }
    if (ids.length) await manager.update(Chat, chatId, { active_leaf_id: parentId });
    return ids;
  }
}
