import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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
  findWithOwner(id: number): Promise<Agent | null> {
    return this.agents.findOne({ where: { id }, relations: { owner: true } });
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

  /** Inserts the agent; returns its id. */
  async insert(fields: Partial<Agent>): Promise<number> {
    return (await this.agents.save(this.agents.create(fields))).id;
  }

  async update(id: number, fields: QueryDeepPartialEntity<Agent>): Promise<void> {
    await this.agents.update(id, fields);
  }

  async softDelete(id: number): Promise<void> {
    await this.agents.softDelete(id);
  }
}
