import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from './user.entity';
import { UserIdentity } from './user-identity.entity';

/** One row per login; the token's `sid` points here so a logout can revoke it. */
@Entity('sessions')
export class Session {
  /** A random UUID set by the app (crypto.randomUUID), so ids cannot be guessed. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index('IDX_sessions_user_id')
  @Column({ type: 'int' })
  user_id!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 512, nullable: true })
  user_agent!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  last_seen_at!: Date;

  @Index('IDX_sessions_expires_at')
  @Column({ type: 'timestamptz' })
  expires_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revoked_at!: Date | null;

  /** The provider identity a single sign-on session came from (back-channel logout ends its sessions). */
  @Index('IDX_sessions_identity_id')
  @Column({ type: 'int', nullable: true })
  identity_id!: number | null;

  @ManyToOne(() => UserIdentity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'identity_id' })
  identity?: UserIdentity;

  /** The provider's own session id (`sid` of the ID token), when it gives one: a logout token may name only it. */
  @Index('IDX_sessions_idp_sid')
  @Column({ type: 'varchar', length: 255, nullable: true })
  idp_sid!: string | null;
}
