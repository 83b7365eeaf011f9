import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from './user.entity';

/** `chat`: completions and everything read-only; `read`: list models only (and embeddings, which change nothing). */
export const API_KEY_ACCESSES = ['chat', 'read'] as const;
export type ApiKeyAccess = (typeof API_KEY_ACCESSES)[number];

/**
 * A personal key for the OpenAI-compatible routes (/v1): it acts as its user.
 * Only the token's SHA-256 is stored; the token is shown once, at creation,
 * and its first characters (`prefix`) are kept so lists can tell keys apart.
 */
@Entity('api_keys')
@Index('IDX_api_keys_user_id', ['user_id', 'id'])
@Check('CHK_api_keys_access', `"access" IN ('chat', 'read')`)
export class ApiKey {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  user_id!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** The token's first characters (`fgk_` and a few more), shown in lists. */
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Index('UQ_api_keys_token_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  token_hash!: string;

  /** The agents the key may use; null: every agent its user may use. */
  @Column({ type: 'int', array: true, nullable: true })
  agent_ids!: number[] | null;

  @Column({ type: 'varchar', length: 8, default: 'chat' })
  access!: ApiKeyAccess;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  expires_at!: Date | null;

  /** Refreshed at most once per cache lifetime (a minute), like a session's last_seen_at. */
  @Column({ type: 'timestamptz', nullable: true })
  last_used_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revoked_at!: Date | null;
}
