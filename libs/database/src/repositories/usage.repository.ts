import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { UsageRecord } from '../entities/usage-record.entity';

export type NewUsageRecord = Omit<UsageRecord, 'id' | 'created_at'>;

/** Every query on the usage ledger (rows are only ever added; see UsageRecord). */
@Injectable()
export class UsageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Adds one row; inside `manager`'s transaction when given. */
  async record(row: NewUsageRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.insert(UsageRecord, row);
  }
}
