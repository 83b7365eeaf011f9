import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '#common';
import { agentUsableBy, Chat, ChatsRepository, DEFAULT_CHAT_TITLE } from '#database';
import { AgentsService } from '#agents';
import { Retriever } from '#retrieval';
import { DocumentStorage } from '#documents';
import type { SearchQuery, SearchResponse } from '#retrieval';
import { ChatPage, ChatResponse, presentChat } from './chat.presenter';
import type { CreateChatDto, ListChatsQuery, UpdateChatDto } from './dto/chat.dto';
import type { AuthUser } from '#auth';

function likePattern(text: string): string {
  return `%${text.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Chats are private: another user's chat is 404 for every verb, admins included. */
@Injectable()
export class ChatsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly agents: AgentsService,
    private readonly documents: DocumentStorage,
    private readonly retriever: Retriever,
    private readonly chatsRepository: ChatsRepository,
  ) {}

  async create(user: AuthUser, body: CreateChatDto): Promise<ChatResponse> {
    const agent = await this.agents.findVisible(user, body.agent_id);
    const chats = this.dataSource.getRepository(Chat);
    const chat = await chats.save(
      chats.create({ title: body.title ?? DEFAULT_CHAT_TITLE, user_id: user.id, agent_id: agent.id }),
    );
    return presentChat({ ...chat, agent });
  }

  /** Most recent activity first; keyset-paginated so every chat appears exactly once. */
  async list(user: AuthUser, query: ListChatsQuery): Promise<ChatPage> {
    const builder = this.dataSource
      .getRepository(Chat)
      .createQueryBuilder('chat')
      .withDeleted()
      .leftJoinAndSelect('chat.agent', 'agent')
      .where('chat.user_id = :userId', { userId: user.id })
      .orderBy('chat.updated_at', 'DESC')
      .addOrderBy('chat.id', 'DESC')
      .limit(query.limit + 1);
    if (query.q) builder.andWhere('chat.title ILIKE :pattern', { pattern: likePattern(query.q) });
    if (query.before) {
      // Compare against the cursor row itself: exact to the microsecond, ties broken by id.
      builder.andWhere(
        '(chat.updated_at, chat.id) < (SELECT c.updated_at, c.id FROM chats c WHERE c.id = :before AND c.user_id = :userId)',
        { before: query.before },
      );
    }
    const rows = await builder.getMany();
    const page = rows.slice(0, query.limit);
    return {
      items: page.map(presentChat),
      next_before: rows.length > query.limit ? page[page.length - 1].id : null,
    };
  }

  async search(user: AuthUser, id: number, query: SearchQuery): Promise<SearchResponse> {
    const chat = await this.findOwn(user, id);
    // The chat's own documents stay searchable; its agent's only while the user may still use that agent.
    const agentId = chat.agent && agentUsableBy(chat.agent, user) ? chat.agent.id : null;
    return { query: query.q, results: await this.retriever.searchDocuments({ chatId: chat.id, agentId }, query.q, query.limit) };
  }

  async rename(user: AuthUser, id: number, body: UpdateChatDto): Promise<ChatResponse> {
    const chat = await this.findOwn(user, id);
    await this.dataSource.getRepository(Chat).update(chat.id, { title: body.title });
    return presentChat(await this.findOwn(user, id));
  }

  /** Removes the chat, its messages and its documents (rows, then files). */
  async remove(user: AuthUser, id: number): Promise<void> {
    const chat = await this.findOwn(user, id);
    await this.dataSource.transaction(async (manager) => {
      await this.documents.removeForEntity('chat', chat.id, manager);
      await manager.delete(Chat, chat.id);
    });
  }

  /** The caller's chat, with its agent (even soft-deleted); anyone else's is 404. */
  async findOwn(user: AuthUser, id: number): Promise<Chat> {
    const chat = await this.chatsRepository.findOwned(user.id, id);
    if (!chat) throw new NotFoundError('Chat not found');
    return chat;
  }
}
