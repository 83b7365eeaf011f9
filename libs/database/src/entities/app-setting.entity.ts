import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Settings admins change at run time (not in the environment), e.g. `api_keys.enabled`; one row per key. */
@Entity('app_settings')
export class AppSetting {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key!: string;

  @Column({ type: 'jsonb' })
  value!: unknown;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;

  /** The admin who set it last; null once they are deleted. */
  @Column({ type: 'int', nullable: true })
  updated_by!: number | null;
}
