import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, RateLimiter, toPage, ValidationError } from '#common';
import { ChatsRepository, ConversationTreeRepository, ShareLinksRepository } from '#database';
import type { Agent, ShareLink } from '#database';
import { AgentsService } from '#agents';
import { ChatsService } from '#chats';
import type { ChatResponse } from '#chats';
import type { AuthUser } from '#auth';
import type { CreateShareDto, ForkSharedDto, ListSharesQuery } from './dto/share.dto';
import { CreatedShareResponse, presentShared, presentShareLink, SharedChatResponse, ShareLinkPage } from './share.presenter';
import { snapshotOf, ShareSnapshot } from './share-snapshot';
import { hashShareToken, newShareToken, SHARE_TOKEN } from './share-token';

/** Reads of shared links allowed per IP and minute: plenty for people, little for token guessing. */
export const SHARED_READS_PER_MINUTE = 60;
const DAY_MS = 24 * 60 * 60 * 1000;
const LINK_NOT_FOUND = 'Shared chat not found';

/**
 * Share links: the owner freezes a chat's active path into a snapshot behind
 * an unguessable token; anyone with the token reads it; a signed-in viewer may
 * continue it as a chat of their own. Unknown, revoked and expired links are the same 404.
 */
@Injectable()
export class SharingService {
  constructor(
    private readonly links: ShareLinksRepository,
    private readonly chats: ChatsRepository,
    private readonly tree: ConversationTreeRepository,
    private readonly agents: AgentsService,
    private readonly chatViews: ChatsService,
    private readonly rateLimiter: RateLimiter,
  ) {}

  async create(user: AuthUser, chatId: number, body: CreateShareDto): Promise<CreatedShareResponse> {
    const expiresAt = expiryOf(body);
    const chat = await this.chats.findOwned(user.id, chatId);
    if (!chat) throw new NotFoundError('Chat not found');
    const path = chat.active_leaf_id ? await this.tree.pathTo(chat.active_leaf_id) : [];
    const snapshot = snapshotOf(chat, path);
    if (snapshot.messages.length === 0) throw new ConflictError('Nothing to share yet: the chat has no messages');
    const token = newShareToken();
    const link = await this.links.insert({
      token_hash: hashShareToken(token),
      chat_id: chat.id,
      user_id: user.id,
      snapshot: snapshot as unknown as Record<string, unknown>,
      expires_at: expiresAt,
    });
    return { id: link.id, url: `/api/shared/${token}`, token, created_at: link.created_at, expires_at: link.expires_at };
  }

  async list(user: AuthUser, query: ListSharesQuery, chatId?: number): Promise<ShareLinkPage> {
    if (chatId !== undefined && !(await this.chats.findOwned(user.id, chatId))) throw new NotFoundError('Chat not found');
    const rows = await this.links.listPage(user.id, { limit: query.limit + 1, before: query.before, chatId });
    return toPage(rows, query.limit, presentShareLink, (link) => link.id);
  }

  async revoke(user: AuthUser, id: number): Promise<void> {
    const link = await this.links.findOwned(user.id, id);
    if (!link) throw new NotFoundError('Share link not found');
    await this.links.revoke(link.id);
  }

  /** Public: counted per IP before the lookup, so probing tokens is slow too. */
  async read(token: string, ip: string | undefined): Promise<SharedChatResponse> {
    return presentShared(await this.findLive(token, ip));
  }

  /** The snapshot's messages as a new chat of the viewer's (title: the snapshot's); citations stay on the link. */
  async fork(user: AuthUser, token: string, ip: string | undefined, body: ForkSharedDto): Promise<ChatResponse> {
    const link = await this.findLive(token, ip);
    const agent = await this.forkAgent(user, link, body.agent_id);
    const snapshot = link.snapshot as unknown as ShareSnapshot;
    const chatId = await this.links.forkInto({
      userId: user.id,
      agentId: agent.id,
      title: snapshot.title,
      messages: snapshot.messages.map(({ role, content, status, llm_model }) => ({ role, content, status, llm_model })),
    });
    return this.chatViews.present(await this.chatViews.findOwn(user, chatId));
  }

  private async findLive(token: string, ip: string | undefined): Promise<ShareLink> {
    await this.rateLimiter.consume({ key: `shared:ip:${ip ?? 'unknown'}`, limit: SHARED_READS_PER_MINUTE, windowSeconds: 60 });
    const link = SHARE_TOKEN.test(token) ? await this.links.findLiveByHash(hashShareToken(token)) : null;
    if (!link) throw new NotFoundError(LINK_NOT_FOUND);
    return link;
  }

  /** The shared chat's agent when the viewer may use it, else the one they name (which they must be able to use). */
  private async forkAgent(user: AuthUser, link: ShareLink, agentId: number | undefined): Promise<Agent> {
    const shared = (await this.chats.findWithAgent(link.chat_id))?.agent;
    if (agentId === undefined) {
      if (shared && !shared.deleted_at && (await this.agents.isUsable(user, shared))) return shared;
      throw new ValidationError([
        { loc: ['body', 'agent_id'], msg: "agent_id is required: you may not use the shared chat's agent, so choose one of yours" },
      ]);
    }
    return this.agents.findVisible(user, agentId);
  }
}

/** `expires_at` (in the future) or `expires_in_days`, not both; neither: the link never expires. */
function expiryOf(body: CreateShareDto): Date | null {
  if (body.expires_at !== undefined && body.expires_in_days !== undefined) {
    throw new ValidationError([{ loc: ['body'], msg: 'give expires_at or expires_in_days, not both' }]);
  }
  if (body.expires_in_days !== undefined) return new Date(Date.now() + body.expires_in_days * DAY_MS);
  if (body.expires_at === undefined) return null;
  const at = new Date(body.expires_at);
  if (!(at.getTime() > Date.now())) throw new ValidationError([{ loc: ['body', 'expires_at'], msg: 'expires_at must be in the future' }]);
  return at;
}
