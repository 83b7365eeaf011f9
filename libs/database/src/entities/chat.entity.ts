import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Agent } from './agent.entity';
import { User } from './user.entity';

@Entity('chats')
@Index('IDX_chats_user_updated_id', ['user_id', 'updated_at', 'id'])
export class Chat {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'int' })
  user_id!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** Null once the agent's owner account is deleted: the chat's history stays its user's. */
  @Index('IDX_chats_agent_id')
  @Column({ type: 'int', nullable: true })
  agent_id!: number | null;

  @ManyToOne(() => Agent, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'agent_id' })
  agent?: Agent;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  /** Bumped on every message, so "most recent activity first" is an index scan. */
  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;
}

/** A chat's title until the user renames it or the title job names it. */
export const DEFAULT_CHAT_TITLE = 'New chat';
