import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, toPage, ValidationError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { ChatsRepository, DEFAULT_CHAT_TITLE } from '#database';
import type { Chat, ChatSettings } from '#database';
import { AgentsService } from '#agents';
import { ModelCatalog } from '#llm';
import { Retriever } from '#retrieval';
import { DocumentStorage } from '#documents';
import type { SearchQuery, SearchResponse } from '#retrieval';
import { ChatPage, ChatResponse, presentChat } from './chat.presenter';
import { BulkChatsResponse, ChatTagsResponse } from './chat-organising.presenter';
import type { BulkChatsDto, ChatOptionsDto, CreateChatDto, ListChatsQuery, PatchChatDto, UpdateChatDto } from './dto/chat.dto';
import type { AuthUser } from '#auth';

const ARCHIVED_FILTER = { false: false, true: true, all: undefined } as const;

/** Chats are private: another user's chat is 404 for every verb, admins included. */
@Injectable()
export class ChatsService {
  constructor(
    private readonly chats: ChatsRepository,
    private readonly agents: AgentsService,
    private readonly documents: DocumentStorage,
    private readonly retriever: Retriever,
    private readonly models: ModelCatalog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(user: AuthUser, body: CreateChatDto): Promise<ChatResponse> {
    this.checkOptions(body);
    const agent = await this.agents.findVisible(user, body.agent_id);
    const chat = await this.chats.insert({
      title: body.title ?? DEFAULT_CHAT_TITLE,
      user_id: user.id,
      agent_id: agent.id,
      model: body.model ?? null,
      temperature: body.temperature ?? null,
      max_output_tokens: body.max_output_tokens ?? null,
    });
    return this.present({ ...chat, agent });
  }

  /**
   * Most recent activity first; keyset-paginated so every chat appears exactly
   * once, filters included. Pinned chats are not hoisted: a client shows them
   * apart with `pinned=true`.
   */
  async list(user: AuthUser, query: ListChatsQuery): Promise<ChatPage> {
    const rows = await this.chats.listPage(user.id, {
      limit: query.limit + 1,
      before: query.before,
      titleContains: query.q,
      archived: ARCHIVED_FILTER[query.archived],
      pinned: query.pinned,
      tag: query.tag,
      agentId: query.agent_id,
    });
    return toPage(rows, query.limit, (chat) => this.present(chat), (chat) => chat.id);
  }

  async search(user: AuthUser, id: number, query: SearchQuery): Promise<SearchResponse> {
    const chat = await this.findOwn(user, id);
    // The chat's own documents stay searchable; its agent's only while the user may still use that agent.
    const agentId = chat.agent && (await this.agents.isUsable(user, chat.agent)) ? chat.agent.id : null;
    const searcher = { userId: user.id, agentId: chat.agent_id, chatId: chat.id };
    return { query: query.q, results: await this.retriever.searchDocuments({ chatId: chat.id, agentId }, query.q, query.limit, searcher) };
  }

  rename(user: AuthUser, id: number, body: UpdateChatDto): Promise<ChatResponse> {
    return this.update(user, id, { title: body.title });
  }

  /** Changes only the fields sent; organising a chat does not move it in the activity order. */
  async update(user: AuthUser, id: number, body: PatchChatDto): Promise<ChatResponse> {
    const chat = await this.findOwn(user, id);
    this.checkOptions(body);
    const { title, pinned, archived, tags, model, temperature, max_output_tokens } = body;
    const settings: ChatSettings = { title, pinned, archived, tags, model, temperature, max_output_tokens };
    await this.chats.updateSettings(chat.id, settings);
    return this.present(await this.findOwn(user, id));
  }

  async tags(user: AuthUser): Promise<ChatTagsResponse> {
    return { items: await this.chats.tagCounts(user.id) };
  }

  /**
   * Applies one action to those of the ids that are my chats, in one
   * transaction; the others (someone else's or missing, told apart by nothing)
   * come back as `not_found`.
   */
  async bulk(user: AuthUser, body: BulkChatsDto): Promise<BulkChatsResponse> {
    const ids = [...new Set(body.chat_ids)];
    let touched: number[];
    if (body.action === 'delete') {
      const deleted = await this.chats.deleteOwnedWithDocuments(user.id, ids);
      await this.documents.removeFiles(deleted.files);
      touched = deleted.ids;
    } else {
      const settings = { archive: { archived: true }, unarchive: { archived: false }, pin: { pinned: true }, unpin: { pinned: false } };
      touched = await this.chats.updateOwnedSettings(user.id, ids, settings[body.action]);
    }
    const found = new Set(touched);
    return { affected: found.size, not_found: ids.filter((id) => !found.has(id)) };
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

  /** The chat as clients see it (`agent` loaded), with the options its answers use. */
  present(chat: Chat): ChatResponse {
    return presentChat(chat, this.config.llm.maxOutputTokens);
  }

  /** The model must be one the server offers (as for agents), the output cap within the server's. */
  private checkOptions(body: ChatOptionsDto): void {
    const problems = [];
    if (typeof body.model === 'string' && !this.models.isChatModel(body.model)) {
      const allowed = this.models.chatModels();
      problems.push({
        loc: ['body', 'model'],
        msg: allowed.length ? `model must be one of: ${allowed.join(', ')}` : 'no chat model is configured',
      });
    }
    const cap = this.config.llm.maxOutputTokens;
    if (typeof body.max_output_tokens === 'number' && body.max_output_tokens > cap) {
      problems.push({ loc: ['body', 'max_output_tokens'], msg: `max_output_tokens must be at most ${cap}` });
    }
    if (problems.length > 0) throw new ValidationError(problems);
  }
}
