import {
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { User } from './user.entity';

@Entity('agents')
export class Agent {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'text', default: '' })
  system_prompt!: string;

  @Column({ type: 'boolean', default: false })
  learn_from_interaction!: boolean;

  @Index('IDX_agents_is_public')
  @Column({ type: 'boolean', default: false })
  is_public!: boolean;

  @Index('IDX_agents_owner_id')
  @Column({ type: 'int' })
  owner_id!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  owner?: User;

  @Column({ type: 'varchar', length: 200 })
  model!: string;

  @Column({ type: 'double precision', default: 0.7 })
  temperature!: number;

  @Column({ type: 'text', nullable: true })
  avatar_url!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;

  /** Soft delete: chats with a deleted agent keep their history. */
  @DeleteDateColumn({ type: 'timestamptz', nullable: true })
  deleted_at!: Date | null;
}

/** Public, its owner, or an admin; nobody once deleted. Checked on every use, not only at chat creation (a public agent may turn private). */
export function agentUsableBy(agent: Agent, user: { id: number; is_admin: boolean }): boolean {
  return !agent.deleted_at && (agent.is_public || agent.owner_id === user.id || user.is_admin);
}
