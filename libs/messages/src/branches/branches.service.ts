import { Injectable } from '@nestjs/common';
import { NotFoundError } from '#common';
import { ConversationTreeRepository } from '#database';
import type { Chat, Message, PathMessage } from '#database';
import { ChatsService } from '#chats';
import type { ChatResponse } from '#chats';
import { RealtimePublisher } from '#realtime';
import type { AuthUser } from '#auth';
import { pageMessages } from '../message-page';
import type { ActivePathResponse } from './branches.dto';

const FIRST_PAGE = 50;
const FORK_SUFFIX = ' (fork)';
const TITLE_MAX = 200;

/** Moving between a chat's branches, and copying one into a new chat. */
@Injectable()
export class BranchesService {
  constructor(
    private readonly chats: ChatsService,
    private readonly tree: ConversationTreeRepository,
    private readonly realtime: RealtimePublisher,
  ) {}

  /**
   * Makes the branch through `messageId` active, down to its most recent leaf
   * (a question's latest answer, and so on). Allowed while an answer streams:
   * that answer goes on on its own branch.
   */
  async switchTo(user: AuthUser, chatId: number, messageId: number): Promise<ActivePathResponse> {
    const chat = await this.chats.findOwn(user, chatId);
    const leafId = await this.tree.activateBranchThrough(chat.id, messageId);
    if (leafId === null) throw new NotFoundError('Message not found');
    this.realtime.toChat(chat.id).emit('active_leaf_changed', { chat_id: chat.id, active_leaf_id: leafId });
    const page = await pageMessages(this.tree, { id: chat.id, active_leaf_id: leafId }, FIRST_PAGE);
    return { chat_id: chat.id, active_leaf_id: leafId, ...page };
  }

  /**
   * A new chat of mine with the path from the root to `messageId` (default:
   * the active leaf): same agent and model options. Documents are not copied,
   * so the questions' attachments are dropped (they belong to the old chat).
   */
  async fork(user: AuthUser, chatId: number, messageId?: number): Promise<ChatResponse> {
    const chat = await this.chats.findOwn(user, chatId);
    const leafId = messageId ?? chat.active_leaf_id;
    if (messageId !== undefined && (await this.tree.parentInChat(chat.id, messageId)) === undefined) {
      throw new NotFoundError('Message not found');
    }
    const path = leafId ? await this.tree.pathTo(leafId) : [];
    const forkId = await this.tree.insertChatWithPath(
      {
        title: forkTitle(chat),
        user_id: user.id,
        agent_id: chat.agent_id,
        model: chat.model,
        temperature: chat.temperature,
        max_output_tokens: chat.max_output_tokens,
      },
      path.map(copied),
    );
    return this.chats.present(await this.chats.findOwn(user, forkId));
  }
}

function forkTitle(chat: Chat): string {
  return chat.title.slice(0, TITLE_MAX - FORK_SUFFIX.length) + FORK_SUFFIX;
}

/** What a message said and how it was answered; an answer still streaming is copied as it stands, stopped. */
function copied(message: Message): PathMessage {
  return {
    role: message.role,
    content: message.content,
    status: message.status === 'streaming' ? 'stopped' : message.status,
    error: message.error,
    llm_model: message.llm_model,
    llm_provider: message.llm_provider,
    citations: message.citations,
    prompt_tokens: message.prompt_tokens,
    completion_tokens: message.completion_tokens,
    ttft_ms: message.ttft_ms,
    llm_temperature: message.llm_temperature,
    llm_max_tokens: message.llm_max_tokens,
  };
}
