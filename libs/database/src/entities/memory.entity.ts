import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Agent } from './agent.entity';
import { EmbeddingColumns } from './embedding-columns';
import { Message } from './message.entity';
import { User } from './user.entity';

/** A durable fact or preference an agent learnt from one user (never shared with others). */
@Entity('memories')
@Index('IDX_memories_user_agent', ['user_id', 'agent_id'])
export class Memory {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  user_id!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'int' })
  agent_id!: number;

  @ManyToOne(() => Agent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id' })
  agent?: Agent;

  @Column({ type: 'text' })
  content!: string;

  /** The message it was learnt from. */
  @Column({ type: 'int', nullable: true })
  source_message_id!: number | null;

  @ManyToOne(() => Message, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'source_message_id' })
  source_message?: Message;

  @Index('IDX_memories_tsv', { synchronize: false })
  @Column({ type: 'tsvector', select: false, nullable: true })
  tsv?: string;

  @Column(() => EmbeddingColumns, { prefix: false })
  embedding!: EmbeddingColumns;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;
}
