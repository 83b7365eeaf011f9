import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppSetting } from '../entities/app-setting.entity';

/** Settings admins change at run time, one JSON value per key; a missing key is the caller's default. */
@Injectable()
export class AppSettingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The stored value, or undefined when never set. */
  async get(key: string): Promise<unknown> {
    const row = await this.dataSource.getRepository(AppSetting).findOneBy({ key });
    return row?.value;
  }

  async set(key: string, value: unknown, updatedBy: number | null): Promise<void> {
    // jsonb: stored as given, a bare boolean or string included (TypeORM would not stringify a primitive).
    await this.dataSource.query(
      `INSERT INTO app_settings (key, value, updated_by, updated_at) VALUES ($1, $2::jsonb, $3, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [key, JSON.stringify(value), updatedBy],
    );
  }
}
