import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { AnswerPart } from './answer-part';
import { Chat } from './chat.entity';

export const MESSAGE_ROLES = ['user', 'assistant', 'system'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/** An assistant message is `streaming` while generated, then ends in one of the others (`interrupted`: its server died). */
export const MESSAGE_STATUSES = ['streaming', 'complete', 'stopped', 'failed', 'interrupted'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

@Entity('messages')
@Index('IDX_messages_chat_id_id', ['chat_id', 'id'])
@Index('IDX_messages_streaming', ['chat_id'], { where: `status = 'streaming'` })
@Index('IDX_messages_idempotency_key', ['chat_id', 'idempotency_key'], { unique: true, where: 'idempotency_key IS NOT NULL' })
@Check('CHK_messages_role', `"role" IN ('user', 'assistant', 'system')`)
@Check('CHK_messages_status', `"status" IN ('streaming', 'complete', 'stopped', 'failed', 'interrupted')`)
export class Message {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'text' })
  content!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: MessageRole;

  @Column({ type: 'int' })
  chat_id!: number;

  @ManyToOne(() => Chat, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chat_id' })
  chat?: Chat;

  @Column({ type: 'varchar', length: 200, nullable: true })
  llm_model!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  llm_provider!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'complete' })
  status!: MessageStatus;

  /** While streaming, refreshed every second by the process running it: a stale one means that process died. */
  @Column({ type: 'timestamptz', nullable: true })
  heartbeat_at!: Date | null;

  /** For a user message: the client's Idempotency-Key, so a retried send returns this exchange. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  idempotency_key!: string | null;

  /** Why generation failed, in words fit for the user; null otherwise. */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /**
   * The message before it on its branch: for an answer, the question it
   * answers (several answers after regenerates); for a question, the answer it
   * follows (null for a chat's first). Siblings (same parent) are the branches.
   */
  @Index('IDX_messages_parent_id')
  @Column({ type: 'int', nullable: true })
  parent_id!: number | null;

  @ManyToOne(() => Message, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'parent_id' })
  parent?: Message;

  /** For a question: the documents attached (images go to the vision model again on a regenerate or an edit). */
  @Column({ type: 'int', array: true, nullable: true })
  document_ids!: number[] | null;

  /** For an answer: the temperature and output cap it was asked with (its model is llm_model). */
  @Column({ type: 'double precision', nullable: true })
  llm_temperature!: number | null;

  @Column({ type: 'int', nullable: true })
  llm_max_tokens!: number | null;

  /** Full-text index of the content (French and English stems, unaccented), written when the text is final. */
  @Index('IDX_messages_tsv', { synchronize: false })
  @Column({ type: 'tsvector', select: false, nullable: true })
  tsv?: string;

  /** Milliseconds from the request to the provider to the first token. */
  @Column({ type: 'int', nullable: true })
  ttft_ms!: number | null;

  @Column({ type: 'int', nullable: true })
  prompt_tokens!: number | null;

  @Column({ type: 'int', nullable: true })
  completion_tokens!: number | null;

  /** The sources an answer drew on: [{index, document_id, filename, page, chunk_id, score, snippet}]. */
  @Column({ type: 'jsonb', nullable: true })
  citations!: Citation[] | null;

  /** For an answer that called tools: its text and tool calls with their results, in order (null: text only). */
  @Column({ type: 'jsonb', nullable: true })
  parts!: AnswerPart[] | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;
}

export interface Citation {
  /** The [n] the answer may cite. */
  index: number;
  document_id: number;
  filename: string;
  page: number;
  chunk_id: number;
  score: number;
  snippet: string;
}
