import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from './user.entity';

/**
 * A user's account at an OpenID Connect provider: `iss` + `sub`, the only
 * thing a sign-in is matched on (never the email alone: an email can be
 * reassigned, or unverified, at the provider).
 */
@Entity('user_identities')
@Index('UQ_user_identities_issuer_subject', ['issuer', 'subject'], { unique: true })
export class UserIdentity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('IDX_user_identities_user_id')
  @Column({ type: 'int' })
  user_id!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 500 })
  issuer!: string;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  /** The email the provider gave at the last sign-in, for admins' eyes (matching never uses it). */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  last_login_at!: Date;
}
