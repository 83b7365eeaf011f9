import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Agent, agentUsableBy } from '../entities/agent.entity';
import { AgentGroup, GroupMember } from '../entities/group.entity';
import type { PageRange } from './page-range';

/** Every query on agents. Deleted (soft) agents are left out unless a method says otherwise. */
@Injectable()
export class AgentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get agents() {
    return this.dataSource.getRepository(Agent);
  }

  /** The agent (not soft-deleted) with its owner loaded. */
  /** One query (findOne with a relation costs TypeORM two: a DISTINCT on ids, then the rows). */
  findWithOwner(id: number): Promise<Agent | null> {
    return this.agents.createQueryBuilder('agent').leftJoinAndSelect('agent.owner', 'owner').where('agent.id = :id', { id }).getOne();
  }

  /**
   * The one rule of who may use an agent (`agentUsableBy`), asking the
   * database whether the user is in one of the agent's groups only when that decides it.
   */
  async isUsableBy(agent: Agent, user: { id: number; is_admin: boolean }): Promise<boolean> {
    if (agentUsableBy(agent, user)) return true;
    if (agent.deleted_at || agent.visibility !== 'groups') return false;
    const shared = await this.dataSource
      .getRepository(AgentGroup)
      .createQueryBuilder('shared')
      .innerJoin(GroupMember, 'member', 'member.group_id = shared.group_id')
      .where('shared.agent_id = :agentId AND member.user_id = :userId', { agentId: agent.id, userId: user.id })
      .getExists();
    return agentUsableBy(agent, user, shared);
  }

  /** The public catalogue, by name, owners loaded. */
  listPublic(): Promise<Agent[]> {
    return this.agents.find({ where: { visibility: 'public' }, relations: { owner: true }, order: { name: 'ASC', id: 'ASC' } });
  }

  /** The agents (visibility `groups`) shared with this group, owners loaded. */
  listSharedWith(groupId: number): Promise<Agent[]> {
    return this.agents
      .createQueryBuilder('agent')
      .leftJoinAndSelect('agent.owner', 'owner')
      .innerJoin(AgentGroup, 'shared', 'shared.agent_id = agent.id AND shared.group_id = :groupId', { groupId })
      .where("agent.visibility = 'groups'")
      .getMany();
  }

  /** The ids of the groups each agent is shared with (ascending); agents shared with none are absent. */
  async groupIdsOf(agentIds: number[]): Promise<Map<number, number[]>> {
    const shared = new Map<number, number[]>();
    if (agentIds.length === 0) return shared;
    const rows = await this.dataSource
      .getRepository(AgentGroup)
      .find({ where: { agent_id: In(agentIds) }, order: { agent_id: 'ASC', group_id: 'ASC' } });
    for (const row of rows) shared.set(row.agent_id, [...(shared.get(row.agent_id) ?? []), row.group_id]);
    return shared;
  }

  /**
   * A page of one user's agents, most recently changed first, owner loaded. `before` is an agent id:
   * the page starts past that row (compared in the database, exact to the microsecond, ties broken by id).
   */
  listOwnedPage(ownerId: number, { limit, before }: PageRange): Promise<Agent[]> {
    const builder = this.agents
      .createQueryBuilder('agent')
      .leftJoinAndSelect('agent.owner', 'owner')
      .where('agent.owner_id = :ownerId', { ownerId })
      .orderBy('agent.updated_at', 'DESC')
      .addOrderBy('agent.id', 'DESC')
      .limit(limit);
    if (before) {
      builder.andWhere(
        '(agent.updated_at, agent.id) < (SELECT a.updated_at, a.id FROM agents a WHERE a.id = :before AND a.owner_id = :ownerId)',
        { before },
      );
    }
    return builder.getMany();
  }

  /** Inserts the agent, shared with `groupIds`, in one transaction; returns its id. */
  insert(fields: Partial<Agent>, groupIds: number[] = []): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const { id } = await manager.save(manager.create(Agent, fields));
      if (groupIds.length > 0) await manager.insert(AgentGroup, groupIds.map((groupId) => ({ agent_id: id, group_id: groupId })));
      return id;
    });
  }

  /** Updates the agent and, when `groupIds` is given, replaces the groups it is shared with, in one transaction. */
  async update(id: number, fields: QueryDeepPartialEntity<Agent>, groupIds?: number[]): Promise<void> {
    if (groupIds === undefined) {
      await this.agents.update(id, fields);
      return;
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.update(Agent, id, fields);
      await manager.delete(AgentGroup, { agent_id: id });
      if (groupIds.length > 0) await manager.insert(AgentGroup, groupIds.map((groupId) => ({ agent_id: id, group_id: groupId })));
    });
  }

  async softDelete(id: number): Promise<void> {
    await this.agents.softDelete(id);
  }
}
