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
import { Message } from './message.entity';
import { User } from './user.entity';

@Entity('chats')
@Index('IDX_chats_user_updated_id', ['user_id', 'updated_at', 'id'])
export class Chat {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Searched through an expression index (unaccented French and English stems): see the ChatTitleSearch migration. */
  @Index('IDX_chats_title_tsv', { synchronize: false })
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

  /**
   * The end of the branch shown and continued (messages form a tree by
   * parent_id): the prompt, the message list and new messages follow the path
   * from the root to this message. Null for an empty chat.
   */
  @Column({ type: 'int', nullable: true })
  active_leaf_id!: number | null;

  @ManyToOne(() => Message, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'active_leaf_id' })
  active_leaf?: Message;

  @Column({ type: 'boolean', default: false })
  pinned!: boolean;

  /** Archived chats leave the default list but stay searchable and readable. */
  @Column({ type: 'timestamptz', nullable: true })
  archived_at!: Date | null;

  /** The user's labels (tags rather than folders: a chat may sit under several). */
  @Index('IDX_chats_tags', { synchronize: false })
  @Column({ type: 'varchar', length: 50, array: true, default: () => "'{}'" })
  tags!: string[];

  /** Overrides of the agent's model, temperature and output length for this chat; null: the agent's. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  model!: string | null;

  @Column({ type: 'double precision', nullable: true })
  temperature!: number | null;

  @Column({ type: 'int', nullable: true })
  max_output_tokens!: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  /** Bumped on every message, so "most recent activity first" is an index scan. */
  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;
}

/** A chat's title until the user renames it or the title job names it. */
export const DEFAULT_CHAT_TITLE = 'New chat';
