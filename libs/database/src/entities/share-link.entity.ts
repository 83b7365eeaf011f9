import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Chat } from './chat.entity';
import { User } from './user.entity';

/**
 * A read-only link to a snapshot of a chat's active path, frozen when made.
 * Only the token's SHA-256 is stored: the token itself is shown once, at creation.
 */
@Entity('share_links')
@Index('IDX_share_links_user_id', ['user_id', 'id'])
export class ShareLink {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('UQ_share_links_token_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  token_hash!: string;

  @Column({ type: 'int' })
  chat_id!: number;

  @ManyToOne(() => Chat, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chat_id' })
  chat?: Chat;

  @Column({ type: 'int' })
  user_id!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** What the link shows: title, agent name and the path's messages as they were (see the share lib for its shape). */
  @Column({ type: 'jsonb' })
  snapshot!: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  expires_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revoked_at!: Date | null;
}
