import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Chat } from '../entities/chat.entity';
import { DocumentsRepository } from './documents.repository';

/** A page of one user's chats, most recent activity first. */
export interface ChatPageQuery {
  limit: number;
  /** Only chats after this one (a chat id) in that order. */
  before?: number;
  /** Only titles containing this text (case-insensitive). */
  titleContains?: string;
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
    if (query.before) {
      builder.andWhere(
        '(chat.updated_at, chat.id) < (SELECT c.updated_at, c.id FROM chats c WHERE c.id = :before AND c.user_id = :userId)',
        { before: query.before },
      );
    }
    return builder.getMany();
  }

  insert(fields: Pick<Chat, 'title' | 'user_id' | 'agent_id'>): Promise<Chat> {
    const chats = this.dataSource.getRepository(Chat);
    return chats.save(chats.create(fields));
  }

  /** Sets the title; with `expected`, only while the title is still that (a later rename wins). */
  async updateTitle(id: number, title: string, expected?: string): Promise<void> {
    await this.dataSource.getRepository(Chat).update(expected === undefined ? { id } : { id, title: expected }, { title });
  }

  /**
   * Deletes the chat (its messages cascade) and its documents' rows in one
   * transaction; returns the documents' stored files, for the caller to remove.
   */
  deleteWithDocuments(id: number): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const documents = await this.documents.filesOf('chat', id, manager);
      await this.documents.delete(documents.map((document) => document.id), manager);
      await manager.delete(Chat, id);
      return documents.map((document) => document.file_path);
    });
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
