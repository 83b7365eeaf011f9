import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Citation, MessageRole, MessageStatus } from '../entities/message.entity';
import { MESSAGE_TSV_SQL } from './conversation-tree.repository';
import { unaccent } from './search/text-search';

/** A chat as exported: its own fields and its agent's identity (null once the agent is gone). */
export interface TransferChatRow {
  id: number;
  title: string;
  created_at: Date;
  updated_at: Date;
  pinned: boolean;
  archived_at: Date | null;
  tags: string[];
  model: string | null;
  temperature: number | null;
  max_output_tokens: number | null;
  active_leaf_id: number | null;
  agent_id: number | null;
  agent_name: string | null;
  agent_model: string | null;
}

/** A message as exported (every branch), with its attachments' metadata. */
export interface TransferMessageRow {
  id: number;
  chat_id: number;
  parent_id: number | null;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  error: string | null;
  created_at: Date;
  llm_model: string | null;
  llm_provider: string | null;
  llm_temperature: number | null;
  llm_max_tokens: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  citations: Citation[] | null;
  document_ids: number[] | null;
}

export interface TransferAttachmentRow {
  id: number;
  filename: string;
  mime_type: string;
  file_size: number;
}

/** A chat to create, its messages parents first (`parent` indexes an earlier message of the same chat). */
export interface NewTransferChat {
  title: string;
  agent_id: number;
  created_at: Date;
  updated_at: Date;
  pinned: boolean;
  archived_at: Date | null;
  tags: string[];
  model: string | null;
  temperature: number | null;
  max_output_tokens: number | null;
  /** Index in `messages` of the active leaf; null for an empty chat. */
  active: number | null;
  messages: NewTransferMessage[];
}

/** A message to create: as exported, its parent given by position (`parent` indexes an earlier message of the same chat). */
export type NewTransferMessage = Omit<TransferMessageRow, 'id' | 'chat_id' | 'parent_id' | 'document_ids'> & { parent: number | null };

const CHAT_COLUMNS = `c.id, c.title, c.created_at, c.updated_at, c.pinned, c.archived_at, c.tags, c.model, c.temperature,
  c.max_output_tokens, c.active_leaf_id, c.agent_id, a.name AS agent_name, a.model AS agent_model`;

const MESSAGE_COLUMNS = `id, chat_id, parent_id, role, content, status, error, created_at, llm_model, llm_provider, llm_temperature,
  llm_max_tokens, prompt_tokens, completion_tokens, citations, document_ids`;

/** Rows per multi-row INSERT: 17 parameters a message stays far below PostgreSQL's 65,535. */
const INSERT_BATCH = 500;

/**
 * Export and import of whole conversations: keyset-batched reads (an export
 * of every chat never holds more than a batch) and one-transaction inserts of
 * whole trees with ids taken from the sequences up front, so parents and
 * active leaves are known before a row is written.
 */
@Injectable()
export class ChatTransferRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findOwnedChat(userId: number, chatId: number): Promise<TransferChatRow | null> {
    const [row] = await this.dataSource.query(
      `SELECT ${CHAT_COLUMNS} FROM chats c LEFT JOIN agents a ON a.id = c.agent_id WHERE c.id = $1 AND c.user_id = $2`,
      [chatId, userId],
    );
    return row ? withTags(row) : null;
  }

  /** The user's chats after `afterId`, oldest first (id order: stable while the export runs). */
  async chatsAfter(userId: number, afterId: number, limit: number): Promise<TransferChatRow[]> {
    const rows = await this.dataSource.query(
      `SELECT ${CHAT_COLUMNS} FROM chats c LEFT JOIN agents a ON a.id = c.agent_id
        WHERE c.user_id = $1 AND c.id > $2 ORDER BY c.id LIMIT $3`,
      [userId, afterId, limit],
    );
    return rows.map(withTags);
  }

  /** Messages of these chats past the (chat, message) cursor, in chat then id order. */
  async messagesAfter(chatIds: number[], after: { chatId: number; id: number }, limit: number): Promise<TransferMessageRow[]> {
    return this.dataSource.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages
        WHERE chat_id = ANY($1::int[]) AND (chat_id, id) > ($2, $3) ORDER BY chat_id, id LIMIT $4`,
      [chatIds, after.chatId, after.id, limit],
    );
  }

  /** The active paths of these chats, each root first, in chat order (one query for a batch of chats). */
  async activePaths(chatIds: number[]): Promise<TransferMessageRow[]> {
    return this.dataSource.query(
      `WITH RECURSIVE path AS (
         SELECT m.*, 1 AS depth FROM chats c JOIN messages m ON m.id = c.active_leaf_id WHERE c.id = ANY($1::int[])
         UNION ALL
         SELECT p.*, path.depth + 1 FROM messages p JOIN path ON p.id = path.parent_id WHERE path.depth < 100000
       )
       SELECT ${MESSAGE_COLUMNS} FROM path ORDER BY chat_id, depth DESC`,
      [chatIds],
    );
  }

  /** Metadata of the documents still stored among these ids (their files are not exported). */
  async attachments(documentIds: number[]): Promise<TransferAttachmentRow[]> {
    if (documentIds.length === 0) return [];
    return this.dataSource.query('SELECT id, filename, mime_type, file_size FROM documents WHERE id = ANY($1::int[])', [documentIds]);
  }

  /** Creates the chats and their trees for `userId`, all or nothing; returns the new chat ids in order. */
  async insertChats(userId: number, chats: NewTransferChat[]): Promise<number[]> {
    return this.dataSource.transaction(async (manager) => {
      const chatIds = await nextIds(manager, 'chats', chats.length);
      const messageIds = await nextIds(manager, 'messages', chats.reduce((sum, chat) => sum + chat.messages.length, 0));
      let offset = 0;
      const rows: unknown[][] = [];
      const leaves: (number | null)[] = [];
      chats.forEach((chat, index) => {
        const ids = messageIds.slice(offset, offset + chat.messages.length);
        offset += chat.messages.length;
        for (const [i, message] of chat.messages.entries()) {
          rows.push(messageRow(ids[i], chatIds[index], message.parent === null ? null : ids[message.parent], message));
        }
        leaves.push(chat.active === null ? null : ids[chat.active]);
      });
      for (let start = 0; start < chats.length; start += INSERT_BATCH) {
        const batch = chats.slice(start, start + INSERT_BATCH).map((chat, i) => chatRow(chatIds[start + i], userId, chat));
        await insertRows(manager, 'chats', CHAT_INSERT_COLUMNS, batch);
      }
      // Parents come first in each chat's list, so each batch only points at rows already written.
      for (let start = 0; start < rows.length; start += INSERT_BATCH) {
        await insertRows(manager, 'messages', MESSAGE_INSERT_COLUMNS, rows.slice(start, start + INSERT_BATCH), MESSAGE_TSV_SQL);
      }
      // Last: the active leaves exist now, and the insert trigger's "activity now" gives way to the file's times.
      for (let start = 0; start < chats.length; start += INSERT_BATCH) {
        const batch = chats.slice(start, start + INSERT_BATCH);
        await manager.query(
          `UPDATE chats c SET active_leaf_id = v.leaf, updated_at = v.updated_at
             FROM unnest($1::int[], $2::int[], $3::timestamptz[]) AS v(id, leaf, updated_at) WHERE c.id = v.id`,
          [chatIds.slice(start, start + INSERT_BATCH), leaves.slice(start, start + INSERT_BATCH), batch.map((chat) => chat.updated_at)],
        );
      }
      return chatIds;
    });
  }
}

const CHAT_INSERT_COLUMNS = [
  'id', 'user_id', 'agent_id', 'title', 'created_at', 'updated_at', 'pinned', 'archived_at', 'tags', 'model', 'temperature', 'max_output_tokens',
];

function chatRow(id: number, userId: number, chat: NewTransferChat): unknown[] {
  return [
    id, userId, chat.agent_id, chat.title, chat.created_at, chat.updated_at, chat.pinned, chat.archived_at, chat.tags, chat.model,
    chat.temperature, chat.max_output_tokens,
  ];
}

/** The last column, tsv, is computed from its parameter (the unaccented content). */
const MESSAGE_INSERT_COLUMNS = [
  'id', 'chat_id', 'parent_id', 'role', 'content', 'status', 'error', 'created_at', 'llm_model', 'llm_provider', 'llm_temperature',
  'llm_max_tokens', 'prompt_tokens', 'completion_tokens', 'citations', 'tsv',
];

function messageRow(id: number, chatId: number, parentId: number | null, m: NewTransferMessage): unknown[] {
  return [
    id, chatId, parentId, m.role, m.content, m.status, m.error, m.created_at, m.llm_model, m.llm_provider, m.llm_temperature,
    m.llm_max_tokens, m.prompt_tokens, m.completion_tokens, m.citations ? JSON.stringify(m.citations) : null, unaccent(m.content),
  ];
}

/** Inserts rows with explicit values; `lastColumnSql` wraps the last parameter of each row (e.g. the tsv of a text). */
async function insertRows(
  manager: EntityManager,
  table: string,
  columns: string[],
  rows: unknown[][],
  lastColumnSql?: (parameter: string) => string,
): Promise<void> {
  if (rows.length === 0) return;
  const parameters: unknown[] = [];
  const tuples = rows.map((row) => {
    const placeholders = row.map((value, i) => {
      parameters.push(value);
      const parameter = `$${parameters.length}`;
      return lastColumnSql && i === row.length - 1 ? lastColumnSql(parameter) : parameter;
    });
    return `(${placeholders.join(', ')})`;
  });
  await manager.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, parameters);
}

/** `count` fresh ids of a table's serial id, reserved in one round trip. */
async function nextIds(manager: EntityManager, table: 'chats' | 'messages', count: number): Promise<number[]> {
  if (count === 0) return [];
  const rows: { id: string | number }[] = await manager.query(
    `SELECT nextval(pg_get_serial_sequence('${table}', 'id')) AS id FROM generate_series(1, $1)`,
    [count],
  );
  return rows.map((row) => Number(row.id));
}

/** A chat with no tags reads as an empty list. */
function withTags(row: TransferChatRow): TransferChatRow {
  return { ...row, tags: row.tags ?? [] };
}
