import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import { GroupsRepository } from '#database';

const MEMBER_OF_TTL_MS = 300_000;

/** The cache key of one user's group ids. */
export const memberOfCacheKey = (userId: number) => `groups:member-of:${userId}`;

/**
 * Which groups a user is in, read on every catalogue request: cached (in Redis
 * when configured, so shared by every instance) and dropped on every change of
 * that user's memberships, so leaving a group shows at once everywhere.
 * A delete Redis cannot make distrusts every cached entry (CacheEpoch).
 */
@Injectable()
export class GroupMembership {
  constructor(
    private readonly groups: GroupsRepository,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
  ) {}

  /** The ids of the user's groups (ascending), from the cache, else from the database and cached. */
  async groupIdsOf(userId: number): Promise<number[]> {
    const cached = await this.cache.get<number[]>(memberOfCacheKey(userId));
    if (Array.isArray(cached)) return cached;
    const ids = await this.groups.groupIdsOf(userId);
    await this.cache.set(memberOfCacheKey(userId), ids, MEMBER_OF_TTL_MS);
    return ids;
  }

  /** The ids of the user's groups now, from the database (for decisions that write). */
  groupIdsNow(userId: number): Promise<number[]> {
    return this.groups.groupIdsOf(userId);
  }

  /** After these users' memberships changed (after the commit). */
  async forget(userIds: number[]): Promise<void> {
    if (userIds.length > 0) await this.cache.mdel(userIds.map(memberOfCacheKey));
  }
}
