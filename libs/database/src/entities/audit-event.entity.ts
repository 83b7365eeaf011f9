import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * The audit log: append-only records of security- and admin-relevant events.
 * Never a secret, token or message content. Actor and target ids have no
 * foreign keys (the record outlives them); their labels (emails, names) are
 * removed when the user is deleted.
 */
@Entity('audit_events')
@Index('IDX_audit_events_created_at', ['created_at'])
@Index('IDX_audit_events_actor_id', ['actor_id', 'id'])
@Index('IDX_audit_events_action', ['action', 'id'])
@Index('IDX_audit_events_target', ['target_type', 'target_id', 'id'])
@Check('CHK_audit_events_outcome', `"outcome" IN ('success', 'failure', 'denied')`)
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  /** Who did it; null when nobody was signed in (a failed login for an unknown account). */
  @Column({ type: 'int', nullable: true })
  actor_id!: number | null;

  /** The actor's email at the time; null once that user is deleted. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  actor_label!: string | null;

  /** Dotted, e.g. `auth.login`, `user.update`, `group.member_add`. */
  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 16 })
  outcome!: AuditOutcome;

  /** `user`, `group`, `agent`, `document`, `session`, `budget`, `route`. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  target_type!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  target_id!: string | null;

  /** A readable name of the target at the time (an email, a group's name); null once a target user is deleted. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  target_label!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  user_agent!: string | null;

  /** What changed (field names and new values of non-secret fields), or why it was refused. */
  @Column({ type: 'jsonb', nullable: true })
  details!: Record<string, unknown> | null;
}
