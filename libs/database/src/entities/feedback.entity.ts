import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Message } from './message.entity';
import { User } from './user.entity';

/** A user's thumbs up (1) or down (-1) on an answer, with an optional reason and comment; one per user per answer. */
@Entity('message_feedback')
@Index('UQ_message_feedback_message_user', ['message_id', 'user_id'], { unique: true })
@Index('IDX_message_feedback_created_at', ['created_at'])
@Check('CHK_message_feedback_rating', '"rating" IN (-1, 1)')
export class MessageFeedback {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  message_id!: number;

  @ManyToOne(() => Message, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: Message;

  @Column({ type: 'int' })
  user_id!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'smallint' })
  rating!: number;

  /** A short machine-readable reason (e.g. `inaccurate`, `unhelpful`, `harmful`, `other`). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  reason!: string | null;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;
}
