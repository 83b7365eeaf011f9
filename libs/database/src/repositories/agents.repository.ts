import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Agent } from '../entities/agent.entity';

/** Every query on agents. */
@Injectable()
export class AgentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The agent (not soft-deleted) with its owner loaded. */
  findWithOwner(id: number): Promise<Agent | null> {
    return this.dataSource.getRepository(Agent).findOne({ where: { id }, relations: { owner: true } });
  }
}
