import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Stored normalised (trimmed, lower-case) so uniqueness is case-insensitive. */
  @Index('UQ_users_email', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /** Exactly three letters, stored upper-case. */
  @Index('UQ_users_trigramme', { unique: true })
  @Column({ type: 'char', length: 3 })
  trigramme!: string;

  /** Null for accounts that only sign in through the identity provider (OIDC). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  hashed_password!: string | null;

  /** Derived from the provider's names at the first single sign-on: its owner may change it once. */
  @Column({ type: 'boolean', default: false })
  trigramme_derived!: boolean;

  @Column({ type: 'boolean', default: true })
  is_active!: boolean;

  @Column({ type: 'boolean', default: false })
  is_admin!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;
}
