import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Chat } from '../entities/chat.entity';
import { Document } from '../entities/document.entity';
import { DocumentsRepository } from './documents.repository';

/** A page of one user's chats, most recent activity first. */
export interface ChatPageQuery {
  limit: number;
  /** Only chats after this one (a chat id) in that order. */
  before?: number;
  /** Only titles containing this text (case-insensitive). */
  titleContains?: string;
  /** true: archived only; false: unarchived only; undefined: both. */
  archived?: boolean;
  pinned?: boolean;
  /** Only chats carrying this tag (case-insensitive). */
  tag?: string;
  agentId?: number;
}

/** How a user organises a chat and overrides its agent's options; undefined keeps a field. */
export interface ChatSettings {
  title?: string;
  pinned?: boolean;
  /** true archives (keeping the first archiving time), false unarchives. */
  archived?: boolean;
  tags?: string[];
  model?: string | null;
  temperature?: number | null;
  max_output_tokens?: number | null;
}

/** A tag of the user's chats, in the spelling most of them use, and how many carry it. */
export interface ChatTagCount {
  tag: string;
  count: number;
  archived_count: number;
}

function likePattern(text: string): string {
  return `%${text.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Every query on chats. Their agent is loaded even when soft-deleted: the history stays readable. */
@Injectable()
export class ChatsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly documents: DocumentsRepository,
  ) {}

  /** The user's chat with its agent, or null when missing or someone else's. */
  findOwned(userId: number, id: number): Promise<Chat | null> {
    return this.withAgent().where('chat.id = :id AND chat.user_id = :userId', { id, userId }).getOne();
  }

  /** The chat with its agent, whoever owns it. */
  findWithAgent(id: number): Promise<Chat | null> {
    return this.withAgent().where('chat.id = :id', { id }).getOne();
  }

  /** The chat with its agent and its user. */
  findWithAgentAndUser(id: number): Promise<Chat | null> {
    return this.withAgent().leftJoinAndSelect('chat.user', 'user').where('chat.id = :id', { id }).getOne();
  }

  /** Keyset page: `before` compares against the cursor row itself, exact to the microsecond, ties broken by id. */
  listPage(userId: number, query: ChatPageQuery): Promise<Chat[]> {
    const builder = this.withAgent()
      .where('chat.user_id = :userId', { userId })
      .orderBy('chat.updated_at', 'DESC')
      .addOrderBy('chat.id', 'DESC')
      .limit(query.limit);
    if (query.titleContains) builder.andWhere('chat.title ILIKE :pattern', { pattern: likePattern(query.titleContains) });
    if (query.archived !== undefined) builder.andWhere(`chat.archived_at IS ${query.archived ? 'NOT ' : ''}NULL`);
    if (query.pinned !== undefined) builder.andWhere('chat.pinned = :pinned', { pinned: query.pinned });
    if (query.agentId !== undefined) builder.andWhere('chat.agent_id = :agentId', { agentId: query.agentId });
    if (query.tag !== undefined) {
      builder.andWhere('EXISTS (SELECT 1 FROM unnest(chat.tags) AS tag WHERE lower(tag) = lower(:tag))', { tag: query.tag });
    }
    if (query.before) {
      builder.andWhere(
        '(chat.updated_at, chat.id) < (SELECT c.updated_at, c.id FROM chats c WHERE c.id = :before AND c.user_id = :userId)',
        { before: query.before },
      );
    }
    return builder.getMany();
  }

  insert(fields: Pick<Chat, 'title' | 'user_id' | 'agent_id'> & Partial<Pick<Chat, 'model' | 'temperature' | 'max_output_tokens'>>): Promise<Chat> {
    const chats = this.dataSource.getRepository(Chat);
    return chats.save(chats.create(fields));
  }

  /** Sets the title; with `expected`, only while the title is still that (a later rename wins). */
  async updateTitle(id: number, title: string, expected?: string): Promise<void> {
    await this.dataSource.getRepository(Chat).update(expected === undefined ? { id } : { id, title: expected }, { title });
  }

  /**
   * Organising a chat is not activity: `updated_at` (the list's order and
   * cursor) stays put, so a page walk is not reshuffled by a pin or an archive.
   */
  async updateSettings(id: number, settings: ChatSettings): Promise<void> {
    const { archived, ...columns } = settings;
    const given = Object.entries(columns).filter(([, value]) => value !== undefined);
    const fields: QueryDeepPartialEntity<Chat> = { ...Object.fromEntries(given), updated_at: () => 'updated_at' };
    if (archived !== undefined) fields.archived_at = archived ? () => 'coalesce(archived_at, now())' : null;
    await this.dataSource.createQueryBuilder().update(Chat).set(fields).where('id = :id', { id }).execute();
  }

  /** Applies a setting to those of `ids` that are the user's chats, in one statement; returns their ids. */
  async updateOwnedSettings(userId: number, ids: number[], settings: Pick<ChatSettings, 'pinned' | 'archived'>): Promise<number[]> {
    const { archived, pinned } = settings;
    const fields: QueryDeepPartialEntity<Chat> = { updated_at: () => 'updated_at' };
    if (pinned !== undefined) fields.pinned = pinned;
    if (archived !== undefined) fields.archived_at = archived ? () => 'coalesce(archived_at, now())' : null;
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Chat)
      .set(fields)
      .where('user_id = :userId AND id IN (:...ids)', { userId, ids })
      .returning(['id'])
      .execute();
    return (result.raw as { id: number }[]).map((row) => row.id);
  }

  /** The user's tags with how many of their chats carry each; spellings differing in case count as one. */
  async tagCounts(userId: number): Promise<ChatTagCount[]> {
    const rows: { tag: string; count: string; archived_count: string }[] = await this.dataSource.query(
      `SELECT mode() WITHIN GROUP (ORDER BY t.tag) AS tag,
              count(*) FILTER (WHERE c.archived_at IS NULL) AS count,
              count(*) FILTER (WHERE c.archived_at IS NOT NULL) AS archived_count
       FROM chats c CROSS JOIN LATERAL unnest(c.tags) AS t(tag)
       WHERE c.user_id = $1
       GROUP BY lower(t.tag)
       ORDER BY lower(t.tag)`,
      [userId],
    );
    return rows.map((row) => ({ tag: row.tag, count: Number(row.count), archived_count: Number(row.archived_count) }));
  }

  /**
   * Deletes the chat (its messages cascade) and its documents' rows in one
   * transaction; returns the documents' stored files, for the caller to remove.
   */
  async deleteWithDocuments(id: number): Promise<string[]> {
    return (await this.deleteOwnedWithDocuments(null, [id])).files;
  }

  /**
   * Deletes those of `ids` that are the user's chats (any owner's with null),
   * with their messages and documents' rows, in one transaction. Returns the
   * deleted ids and the documents' stored files, for the caller to remove once
   * it commits.
   */
  deleteOwnedWithDocuments(userId: number | null, ids: number[]): Promise<{ ids: number[]; files: string[] }> {
    return this.dataSource.transaction(async (manager) => {
      const chats = await this.lockChats(manager, userId, ids);
      if (chats.length === 0) return { ids: [], files: [] };
      const documents = await manager.find(Document, {
        select: { id: true, file_path: true },
        where: { entity_type: 'chat', entity_id: In(chats) },
      });
      await this.documents.delete(documents.map((document) => document.id), manager);
      await manager.delete(Chat, chats);
      return { ids: chats, files: documents.map((document) => document.file_path) };
    });
  }

  private async lockChats(manager: EntityManager, userId: number | null, ids: number[]): Promise<number[]> {
    const rows: { id: number }[] = await manager.query(
      'SELECT id FROM chats WHERE id = ANY($1::int[]) AND ($2::int IS NULL OR user_id = $2) ORDER BY id FOR UPDATE',
      [ids, userId],
    );
    return rows.map((row) => row.id);
  }

  // One query: findOne with a relation first selects the distinct ids, then the rows.
  private withAgent() {
    return (
      this.dataSource
        .getRepository(Chat)
        .createQueryBuilder('chat')
        // Before the join: TypeORM fixes a join's soft-delete condition when it is added.
        .withDeleted()
        .leftJoinAndSelect('chat.agent', 'agent')
    );
  }
}
