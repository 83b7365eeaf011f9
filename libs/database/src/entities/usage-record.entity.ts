import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Why a model was called. Answers (the first three) and API completions count as messages in a budget. */
export const USAGE_PURPOSES = [
  'answer',
  'regenerate',
  'vision',
  'title',
  'memory_extraction',
  'document_embedding',
  'memory_embedding',
  'query_embedding',
  'api_completion',
  'api_embedding',
] as const;
export type UsagePurpose = (typeof USAGE_PURPOSES)[number];
export const ANSWER_PURPOSES: readonly UsagePurpose[] = ['answer', 'regenerate', 'vision'];
/** What a messages_per_day budget counts: answers in chats and completions through /v1. */
export const MESSAGE_PURPOSES: readonly UsagePurpose[] = [...ANSWER_PURPOSES, 'api_completion'];

/** An answer ends like its message; a side call is `complete` or `failed`. */
export const USAGE_OUTCOMES = ['complete', 'stopped', 'failed', 'interrupted'] as const;
export type UsageOutcome = (typeof USAGE_OUTCOMES)[number];

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

/**
 * The usage ledger: one row per model call, append-only. Ids of users, agents,
 * chats, messages and documents are kept without foreign keys, so deleting any
 * of them never changes the totals (a deleted user's rows keep their id only).
 */
@Entity('usage_records')
@Index('IDX_usage_records_user_id_created_at', ['user_id', 'created_at'])
@Index('IDX_usage_records_created_at', ['created_at'])
// An answer is counted once, whichever process ends it.
@Index('UQ_usage_records_answer', ['message_id'], { unique: true, where: `purpose IN ('answer', 'regenerate', 'vision')` })
@Check('CHK_usage_records_purpose', `"purpose" IN (${quoted(USAGE_PURPOSES)})`)
@Check('CHK_usage_records_outcome', `"outcome" IN (${quoted(USAGE_OUTCOMES)})`)
export class UsageRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  /** Whose budget the call counts against; null only for calls no user caused. */
  @Column({ type: 'int', nullable: true })
  user_id!: number | null;

  @Column({ type: 'int', nullable: true })
  agent_id!: number | null;

  @Column({ type: 'int', nullable: true })
  chat_id!: number | null;

  @Column({ type: 'int', nullable: true })
  message_id!: number | null;

  @Column({ type: 'int', nullable: true })
  document_id!: number | null;

  @Column({ type: 'varchar', length: 32 })
  purpose!: UsagePurpose;

  @Column({ type: 'varchar', length: 50 })
  provider!: string;

  @Column({ type: 'varchar', length: 200 })
  model!: string;

  @Column({ type: 'int', default: 0 })
  prompt_tokens!: number;

  @Column({ type: 'int', default: 0 })
  completion_tokens!: number;

  /** True when the provider reported no usage and the tokens are our tokenizer's count. */
  @Column({ type: 'boolean' })
  estimated!: boolean;

  @Column({ type: 'int' })
  latency_ms!: number;

  @Column({ type: 'varchar', length: 16 })
  outcome!: UsageOutcome;

  /** From LLM_PRICES at the time of the call (price per million tokens); null when the model has no price. */
  @Column({ type: 'numeric', precision: 18, scale: 8, nullable: true })
  cost!: string | null;
}
