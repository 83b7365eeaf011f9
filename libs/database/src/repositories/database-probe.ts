import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Readiness: whether the database answers a trivial query; and the pool's connections opened ahead of need. */
@Injectable()
export class DatabaseProbe {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /** Opens up to `count` pooled connections at once (each costs a few ms of handshake the first query would pay). */
  async openConnections(count: number): Promise<void> {
    await Promise.all(Array.from({ length: count }, () => this.ping()));
  }
}
