import { Injectable } from '@nestjs/common';
import { NotFoundError, toPage } from '#common';
import { ChatsRepository, DEFAULT_CHAT_TITLE } from '#database';
import type { Chat } from '#database';
import { AgentsService } from '#agents';
import { Retriever } from '#retrieval';
import { DocumentStorage } from '#documents';
import type { SearchQuery, SearchResponse } from '#retrieval';
import { ChatPage, ChatResponse, presentChat } from './chat.presenter';
import type { CreateChatDto, ListChatsQuery, UpdateChatDto } from './dto/chat.dto';
import type { AuthUser } from '#auth';

/** Chats are private: another user's chat is 404 for every verb, admins included. */
@Injectable()
export class ChatsService {
  constructor(
    private readonly chats: ChatsRepository,
    private readonly agents: AgentsService,
    private readonly documents: DocumentStorage,
    private readonly retriever: Retriever,
  ) {}

  async create(user: AuthUser, body: CreateChatDto): Promise<ChatResponse> {
    const agent = await this.agents.findVisible(user, body.agent_id);
    const chat = await this.chats.insert({ title: body.title ?? DEFAULT_CHAT_TITLE, user_id: user.id, agent_id: agent.id });
    return presentChat({ ...chat, agent });
  }

  /** Most recent activity first; keyset-paginated so every chat appears exactly once. */
  async list(user: AuthUser, query: ListChatsQuery): Promise<ChatPage> {
    const rows = await this.chats.listPage(user.id, { limit: query.limit + 1, before: query.before, titleContains: query.q });
    return toPage(rows, query.limit, presentChat, (chat) => chat.id);
  }

  async search(user: AuthUser, id: number, query: SearchQuery): Promise<SearchResponse> {
    const chat = await this.findOwn(user, id);
    // The chat's own documents stay searchable; its agent's only while the user may still use that agent.
    const agentId = chat.agent && (await this.agents.isUsable(user, chat.agent)) ? chat.agent.id : null;
    const searcher = { userId: user.id, agentId: chat.agent_id, chatId: chat.id };
    return { query: query.q, results: await this.retriever.searchDocuments({ chatId: chat.id, agentId }, query.q, query.limit, searcher) };
  }

  async rename(user: AuthUser, id: number, body: UpdateChatDto): Promise<ChatResponse> {
    const chat = await this.findOwn(user, id);
    await this.chats.updateTitle(chat.id, body.title);
    return presentChat(await this.findOwn(user, id));
  }

  /** Removes the chat, its messages and its documents (rows, then files). */
  async remove(user: AuthUser, id: number): Promise<void> {
    const chat = await this.findOwn(user, id);
    await this.documents.removeFiles(await this.chats.deleteWithDocuments(chat.id));
  }

  /** The caller's chat, with its agent (even soft-deleted); anyone else's is 404. */
  async findOwn(user: AuthUser, id: number): Promise<Chat> {
    const chat = await this.chats.findOwned(user.id, id);
    if (!chat) throw new NotFoundError('Chat not found');
    return chat;
  }
}
