import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { Group, GroupMember } from '../entities/group.entity';
import { User } from '../entities/user.entity';
import type { PageRange } from './page-range';

/** A write hit UQ_groups_name_lower: another group already has this name (in any case). */
export class GroupNameTakenError extends Error {
  constructor() {
    super('groups.name is already taken');
    this.name = 'GroupNameTakenError';
  }
}

/** A group with how many members it has. */
export type GroupWithCount = Group & { member_count: number };

export interface GroupSearch extends PageRange {
  /** Part of the name, in any case. */
  q?: string;
}

export interface GroupMemberRow {
  user_id: number;
  email: string;
  trigramme: string;
  added_at: Date;
}

/** Runs a write; the unique name index's violation becomes a GroupNameTakenError. */
async function namingTaken<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const constraint = (error as { constraint?: string }).constraint ?? '';
    if (error instanceof QueryFailedError && (constraint === 'UQ_groups_name_lower' || error.message.includes('UQ_groups_name_lower'))) {
      throw new GroupNameTakenError();
    }
    throw error;
  }
}

/** Every query on groups and their members. */
@Injectable()
export class GroupsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get groups() {
    return this.dataSource.getRepository(Group);
  }

  private get members() {
    return this.dataSource.getRepository(GroupMember);
  }

  private withCount() {
    return this.groups
      .createQueryBuilder('g')
      .addSelect((count) => count.select('COUNT(*)::int').from(GroupMember, 'm').where('m.group_id = g.id'), 'member_count');
  }

  private async countedOne(builder: ReturnType<GroupsRepository['withCount']>): Promise<GroupWithCount | null> {
    const { entities, raw } = await builder.getRawAndEntities<{ member_count: number }>();
    return entities[0] ? { ...entities[0], member_count: Number(raw[0].member_count) } : null;
  }

  /**
   * One page of groups by name (case-insensitive), then id, with member counts,
   * matching `q` when given. `before` is the id of the last group seen: the page
   * starts past it (a cursor group deleted meanwhile gives an empty page; check it exists).
   */
  async search({ q, limit, before }: GroupSearch): Promise<GroupWithCount[]> {
    const builder = this.withCount().orderBy('lower(g.name)', 'ASC').addOrderBy('g.id', 'ASC').limit(limit);
    if (q) builder.andWhere('g.name ILIKE :pattern', { pattern: `%${q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    if (before) builder.andWhere('(lower(g.name), g.id) > (SELECT lower(b.name), b.id FROM groups b WHERE b.id = :before)', { before });
    const { entities, raw } = await builder.getRawAndEntities<{ g_id: number; member_count: number }>();
    const counts = new Map(raw.map((row) => [Number(row.g_id), Number(row.member_count)]));
    return entities.map((group) => ({ ...group, member_count: counts.get(group.id) ?? 0 }));
  }

  findById(id: number): Promise<GroupWithCount | null> {
    return this.countedOne(this.withCount().where('g.id = :id', { id }));
  }

  async exists(id: number): Promise<boolean> {
    return this.groups.existsBy({ id });
  }

  /** Inserts the group; returns its id. Throws GroupNameTakenError on a duplicate name. */
  async insert(fields: Pick<Group, 'name' | 'description'>): Promise<number> {
    return namingTaken(async () => (await this.groups.save(this.groups.create(fields))).id);
  }

  /** Throws GroupNameTakenError on a duplicate name. */
  async update(id: number, fields: Partial<Pick<Group, 'name' | 'description'>>): Promise<void> {
    await namingTaken(() => this.groups.update(id, fields));
  }

  /** Deletes the group (memberships and shares go with it); returns who were its members, or null when it did not exist. */
  delete(id: number): Promise<number[] | null> {
    return this.dataSource.transaction(async (manager) => {
      // Locked so a member added meanwhile (its foreign key check waits on this lock) is not missed from the list.
      const locked = await manager.getRepository(Group).createQueryBuilder('g').setLock('pessimistic_write').where('g.id = :id', { id }).getOne();
      if (!locked) return null;
      const members = await manager.getRepository(GroupMember).find({ select: { user_id: true }, where: { group_id: id } });
      await manager.delete(Group, id);
      return members.map((member) => member.user_id);
    });
  }

  /** A page of a group's members, newest account first (`before`: a user id). */
  async listMembers(groupId: number, { limit, before }: PageRange): Promise<GroupMemberRow[]> {
    const builder = this.members
      .createQueryBuilder('m')
      .innerJoin(User, 'u', 'u.id = m.user_id')
      .select(['m.user_id AS user_id', 'u.email AS email', 'u.trigramme AS trigramme', 'm.added_at AS added_at'])
      .where('m.group_id = :groupId', { groupId })
      .orderBy('m.user_id', 'DESC')
      .limit(limit);
    if (before) builder.andWhere('m.user_id < :before', { before });
    const rows = await builder.getRawMany<GroupMemberRow>();
    return rows.map((row) => ({ ...row, user_id: Number(row.user_id), added_at: new Date(row.added_at) }));
  }

  /** Adds the member; false when they already were one. */
  async addMember(groupId: number, userId: number): Promise<boolean> {
    const result = await this.members
      .createQueryBuilder()
      .insert()
      .values({ group_id: groupId, user_id: userId })
      .orIgnore()
      .returning(['user_id'])
      .execute();
    return Array.isArray(result.raw) && result.raw.length > 0;
  }

  /** Removes the member; false when they were not one. */
  async removeMember(groupId: number, userId: number): Promise<boolean> {
    return ((await this.members.delete({ group_id: groupId, user_id: userId })).affected ?? 0) > 0;
  }

  /** The ids of the groups the user is a member of. */
  async groupIdsOf(userId: number): Promise<number[]> {
    const rows = await this.members.find({ select: { group_id: true }, where: { user_id: userId }, order: { group_id: 'ASC' } });
    return rows.map((row) => row.group_id);
  }

  /** The groups the user is a member of, by name. */
  groupsOf(userId: number): Promise<Pick<Group, 'id' | 'name'>[]> {
    return this.groups
      .createQueryBuilder('g')
      .select(['g.id', 'g.name'])
      .innerJoin(GroupMember, 'm', 'm.group_id = g.id AND m.user_id = :userId', { userId })
      .orderBy('lower(g.name)', 'ASC')
      .addOrderBy('g.id', 'ASC')
      .getMany();
  }

  /** The groups with these names, in any case. */
  findByNames(names: string[]): Promise<Group[]> {
    if (names.length === 0) return Promise.resolve([]);
    const lowered = [...new Set(names.map((name) => name.toLowerCase()))];
    return this.groups.createQueryBuilder('g').where('lower(g.name) IN (:...lowered)', { lowered }).getMany();
  }

  /**
   * The group of this name (in any case), created as managed by the identity provider when missing;
   * `created` tells which. A concurrent creation of the same name is found, not duplicated.
   */
  async findOrCreateProviderGroup(name: string): Promise<{ group: Group; created: boolean }> {
    const existing = await this.findByNames([name]);
    if (existing[0]) return { group: existing[0], created: false };
    try {
      const group = await namingTaken(() => this.groups.save(this.groups.create({ name, description: '', oidc_managed: true })));
      return { group, created: true };
    } catch (error) {
      if (!(error instanceof GroupNameTakenError)) throw error;
      const [group] = await this.findByNames([name]);
      if (!group) throw error;
      return { group, created: false };
    }
  }

  /** The provider-managed groups the user is a member of. */
  providerGroupsOf(userId: number): Promise<Group[]> {
    return this.groups
      .createQueryBuilder('g')
      .innerJoin(GroupMember, 'm', 'm.group_id = g.id AND m.user_id = :userId', { userId })
      .where('g.oidc_managed = true')
      .getMany();
  }

  /** Which of these group ids exist. */
  async existingIds(ids: number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await this.groups.createQueryBuilder('g').select('g.id', 'id').where('g.id IN (:...ids)', { ids }).getRawMany<{ id: number }>();
    return rows.map((row) => Number(row.id));
  }
}
