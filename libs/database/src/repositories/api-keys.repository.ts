import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, Repository } from 'typeorm';
import { ApiKey } from '../entities/api-key.entity';

export type NewApiKeyRow = Pick<ApiKey, 'user_id' | 'name' | 'prefix' | 'token_hash' | 'agent_ids' | 'access' | 'expires_at'>;

/** A listed key with its user's email (for admins); never its hash. */
export type ApiKeySummary = Omit<ApiKey, 'token_hash' | 'user'> & { user_email: string };

export interface ApiKeyPageQuery {
  limit: number;
  /** Only keys older than this one (a key id). */
  before?: number;
  userId?: number;
}

/** Every query on personal API keys. A key dies with its user (FK cascade). */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get keys(): Repository<ApiKey> {
    return this.dataSource.getRepository(ApiKey);
  }

  insert(row: NewApiKeyRow): Promise<ApiKey> {
    return this.keys.save(this.keys.create({ ...row, last_used_at: null, revoked_at: null }));
  }

  /** Newest first, keyset by id; one user's when `userId` is given. */
  listPage(query: ApiKeyPageQuery): Promise<ApiKeySummary[]> {
    return this.dataSource.query(
      `SELECT k.id, k.user_id, u.email AS user_email, k.name, k.prefix, k.agent_ids, k.access,
              k.created_at, k.expires_at, k.last_used_at, k.revoked_at
         FROM api_keys k JOIN users u ON u.id = k.user_id
        WHERE ($1::int IS NULL OR k.user_id = $1) AND ($2::int IS NULL OR k.id < $2)
        ORDER BY k.id DESC LIMIT $3`,
      [query.userId ?? null, query.before ?? null, query.limit],
    );
  }

  /** The key, the user's own when `userId` is given. */
  find(id: number, userId?: number): Promise<ApiKey | null> {
    return this.keys.findOneBy(userId === undefined ? { id } : { id, user_id: userId });
  }

  /** The key with this token hash and its user (authentication's one query), or null. */
  findByHashWithUser(tokenHash: string): Promise<ApiKey | null> {
    return this.keys.findOne({ where: { token_hash: tokenHash }, relations: { user: true } });
  }

  /** Keeps the first revocation time when revoked twice. */
  async revoke(id: number): Promise<void> {
    await this.keys
      .createQueryBuilder()
      .update()
      .set({ revoked_at: () => 'COALESCE(revoked_at, now())' })
      .where('id = :id', { id })
      .execute();
  }

  /** Revokes every unrevoked key of the user; returns their token hashes (to drop cached copies). */
  async revokeAllOf(userId: number): Promise<string[]> {
    const result = await this.keys
      .createQueryBuilder()
      .update()
      .set({ revoked_at: () => 'now()' })
      .where('user_id = :userId AND revoked_at IS NULL', { userId })
      .returning(['token_hash'])
      .execute();
    return (result.raw as { token_hash: string }[]).map((row) => row.token_hash);
  }

  /** Token hashes of the user's unrevoked keys, e.g. to forget their cached copies once the user changes or goes. */
  async unrevokedHashes(userId: number): Promise<string[]> {
    const rows = await this.keys.find({ select: { token_hash: true }, where: { user_id: userId, revoked_at: IsNull() } });
    return rows.map((row) => row.token_hash);
  }

  /** At most once a minute, whichever instance asks (the condition makes concurrent fills one write). */
  async touch(id: number): Promise<void> {
    await this.keys
      .createQueryBuilder()
      .update()
      .set({ last_used_at: () => 'now()' })
      .where(`id = :id AND (last_used_at IS NULL OR last_used_at < now() - INTERVAL '1 minute')`, { id })
      .execute();
  }
}
