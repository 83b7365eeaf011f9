import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Agent } from '../entities/agent.entity';

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

  /** The public catalogue, by name, owners loaded. */
  listPublic(): Promise<Agent[]> {
    return this.agents.find({ where: { is_public: true }, relations: { owner: true }, order: { name: 'ASC', id: 'ASC' } });
  }

  /** One user's agents, most recently changed first, owner loaded. */
  listOwnedBy(ownerId: number): Promise<Agent[]> {
    return this.agents.find({ where: { owner_id: ownerId }, relations: { owner: true }, order: { updated_at: 'DESC', id: 'DESC' } });
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
