import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { McpServer } from '../entities/mcp-server.entity';

export type McpServerFields = Omit<McpServer, 'id' | 'created_at' | 'updated_at'>;

/** A name another server already has: the unique index refused it. */
export class McpServerNameTakenError extends Error {}

/** Every query on mcp_servers (the tool servers the admins registered). */
@Injectable()
export class McpServersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get servers() {
    return this.dataSource.getRepository(McpServer);
  }

  list(): Promise<McpServer[]> {
    return this.servers.find({ order: { name: 'ASC' } });
  }

  listEnabled(): Promise<McpServer[]> {
    return this.servers.find({ where: { enabled: true }, order: { id: 'ASC' } });
  }

  findById(id: number): Promise<McpServer | null> {
    return this.servers.findOneBy({ id });
  }

  findByIds(ids: number[]): Promise<McpServer[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.servers.createQueryBuilder('server').where('server.id IN (:...ids)', { ids }).getMany();
  }

  async insert(fields: McpServerFields): Promise<McpServer> {
    try {
      return await this.servers.save(this.servers.create(fields));
    } catch (error) {
      throw nameTaken(error) ?? error;
    }
  }

  async update(id: number, fields: Partial<McpServerFields>): Promise<void> {
    try {
      await this.servers.update(id, fields);
    } catch (error) {
      throw nameTaken(error) ?? error;
    }
  }

  /** Its grants go with it (ON DELETE CASCADE). False when it did not exist. */
  async delete(id: number): Promise<boolean> {
    const result = await this.servers.delete(id);
    return (result.affected ?? 0) > 0;
  }
}

function nameTaken(error: unknown): McpServerNameTakenError | undefined {
  const driverError = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
  return driverError?.code === '23505' ? new McpServerNameTakenError('name taken') : undefined;
}
