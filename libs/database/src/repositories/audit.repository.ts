import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../entities/audit-event.entity';

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'created_at'>;

/** Every query on the audit log (append-only but for retention and pseudonymisation). */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(event: NewAuditEvent): Promise<void> {
    const events = this.dataSource.getRepository(AuditEvent);
    await events.save(events.create(event));
  }
}
