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
 * The ids of the message `m`'s siblings (the children of its parent; for a
 * first question, the chat's roots), in id order, as the statement's snapshot
 * sees them: a message inserted by the same statement is not among them.
 */
export const SIBLING_IDS_SQL = (m: string) => `COALESCE(
    (SELECT array_agg(s.id ORDER BY s.id) FROM messages s WHERE s.parent_id = ${m}.parent_id),
    (SELECT array_agg(s.id ORDER BY s.id) FROM messages s WHERE ${m}.parent_id IS NULL AND s.chat_id = ${m}.chat_id AND s.parent_id IS NULL)
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

  /**
   * The branch ending at `leafId`, root first, at most `limit` (the newest),
   * with only the columns a prompt reads: a prompt never sees other branches.
   */
  async promptPath(leafId: number, limit: number): Promise<Message[]> {
    const rows: Message[] = await this.dataSource.query(
      `WITH RECURSIVE path AS (
         SELECT m.id, m.parent_id, m.role, m.content, m.status, 1 AS depth FROM messages m WHERE m.id = $1
         UNION ALL
         SELECT p.id, p.parent_id, p.role, p.content, p.status, path.depth + 1 FROM messages p JOIN path ON p.id = path.parent_id
         WHERE path.depth < $2
       ) SELECT id, role, content, status FROM path ORDER BY depth DESC`,
      [leafId, limit],
    );
    return rows;
  }

  /** Up to `count` messages of the branch from `fromId` (included) towards the root, newest first. */
  async branchFrom(fromId: number, count: number): Promise<Message[]> {
    return (await this.pathTo(fromId, count)).reverse();
  }

  /** The message's parent, when it is a message of this chat (undefined when not). */
  async parentInChat(chatId: number, messageId: number): Promise<number | null | undefined> {
    const [row]: { parent_id: number | null }[] = await this.dataSource.query(
      'SELECT parent_id FROM messages WHERE id = $1 AND chat_id = $2',
      [messageId, chatId],
    );
    return row ? row.parent_id : undefined;
  }

  /**
   * Each message's siblings (itself included: the messages with the same
   * parent, or the chat's roots for a root), in id order: the branches a client
   * switches between ("2 of 3").
   */
  async siblingIds(ids: number[]): Promise<Map<number, number[]>> {
    if (ids.length === 0) return new Map();
    const rows: { id: number; sibling_ids: number[] }[] = await this.dataSource.query(
      `SELECT m.id, ${SIBLING_IDS_SQL('m')} AS sibling_ids FROM messages m WHERE m.id = ANY($1::int[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.sibling_ids.map(Number)]));
  }

  /**
   * From a message of the chat down to a leaf, taking the most recent child at
   * each step (the branch last written there); null when the message is not
   * the chat's. Sets it as the chat's active leaf.
   */
  async activateBranchThrough(chatId: number, messageId: number): Promise<number | null> {
    return this.dataSource.transaction(async (manager) => {
      const rows: { id: number }[] = await manager.query(
        `WITH RECURSIVE down AS (
           SELECT m.id, 0 AS depth FROM messages m WHERE m.id = $1 AND m.chat_id = $2
           UNION ALL
           SELECT child.id, down.depth + 1 FROM down
           JOIN LATERAL (SELECT c.id FROM messages c WHERE c.parent_id = down.id ORDER BY c.id DESC LIMIT 1) child ON true
         ) SELECT id FROM down ORDER BY depth DESC LIMIT 1`,
        [messageId, chatId],
      );
      if (rows.length === 0) return null;
      await manager.update(Chat, chatId, { active_leaf_id: rows[0].id });
      return rows[0].id;
    });
  }

  /** A new chat of `fields.user_id` holding `path` as its one branch, in one transaction; returns its id. */
  async insertChatWithPath(
    fields: Pick<Chat, 'title' | 'user_id' | 'agent_id' | 'model' | 'temperature' | 'max_output_tokens'>,
    path: PathMessage[],
  ): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const chats = manager.getRepository(Chat);
      const chat = await chats.save(chats.create(fields));
      await this.appendPath(chat.id, path, manager);
      return chat.id;
    });
  }
}
