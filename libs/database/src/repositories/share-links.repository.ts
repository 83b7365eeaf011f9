import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Chat } from '../entities/chat.entity';
import { ShareLink } from '../entities/share-link.entity';
import { ConversationTreeRepository, PathMessage } from './conversation-tree.repository';

/** One of my links as listed: never its token (only its hash is stored) nor its snapshot. */
export interface ShareLinkSummary {
  id: number;
  chat_id: number;
  chat_title: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  message_count: number;
}

export interface ShareLinkPageQuery {
  limit: number;
  /** Only links older than this one (a link id). */
  before?: number;
  chatId?: number;
}

/** A chat to create from a shared snapshot, in the viewer's account. */
export interface ForkedChat {
  userId: number;
  agentId: number;
  title: string;
  messages: PathMessage[];
}

/** Every query on share links. A link dies with its chat (FK cascade). */
@Injectable()
export class ShareLinksRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tree: ConversationTreeRepository,
  ) {}

  insert(fields: Pick<ShareLink, 'token_hash' | 'chat_id' | 'user_id' | 'snapshot' | 'expires_at'>): Promise<ShareLink> {
    const links = this.dataSource.getRepository(ShareLink);
    return links.save(links.create({ ...fields, revoked_at: null }));
  }

  /** Newest first, keyset by id. */
  async listPage(userId: number, query: ShareLinkPageQuery): Promise<ShareLinkSummary[]> {
    const rows: ShareLinkSummary[] = await this.dataSource.query(
      `SELECT s.id, s.chat_id, c.title AS chat_title, s.created_at, s.expires_at, s.revoked_at,
              jsonb_array_length(s.snapshot -> 'messages') AS message_count
         FROM share_links s JOIN chats c ON c.id = s.chat_id
        WHERE s.user_id = $1 AND ($2::int IS NULL OR s.id < $2) AND ($3::int IS NULL OR s.chat_id = $3)
        ORDER BY s.id DESC LIMIT $4`,
      [userId, query.before ?? null, query.chatId ?? null, query.limit],
    );
    return rows.map((row) => ({ ...row, message_count: Number(row.message_count) }));
  }

  findOwned(userId: number, id: number): Promise<ShareLink | null> {
    return this.dataSource.getRepository(ShareLink).findOneBy({ id, user_id: userId });
  }

  /** Keeps the first revocation time when revoked twice. */
  async revoke(id: number): Promise<void> {
    await this.dataSource
      .getRepository(ShareLink)
      .createQueryBuilder()
      .update()
      .set({ revoked_at: () => 'COALESCE(revoked_at, now())' })
      .where('id = :id', { id })
      .execute();
  }

  /** The link with this token hash while it works: not revoked, not expired (by the database's clock). */
  findLiveByHash(tokenHash: string): Promise<ShareLink | null> {
    return this.dataSource
      .getRepository(ShareLink)
      .createQueryBuilder('link')
      .where('link.token_hash = :tokenHash AND link.revoked_at IS NULL', { tokenHash })
      .andWhere('(link.expires_at IS NULL OR link.expires_at > now())')
      .getOne();
  }

  /** Creates the chat and its one branch together: a failed copy leaves no empty chat behind. Returns the chat id. */
  forkInto(fork: ForkedChat): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const chats = manager.getRepository(Chat);
      const chat = await chats.save(chats.create({ title: fork.title, user_id: fork.userId, agent_id: fork.agentId }));
      await this.tree.appendPath(chat.id, fork.messages, manager);
      return chat.id;
    });
  }
}
