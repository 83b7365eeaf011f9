import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Group } from './group.entity';
import { User } from './user.entity';

export const BUDGET_SCOPES = ['default', 'user', 'group'] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];
/** The limits a budget may set; null leaves that limit to the next rule (see BudgetsService). */
export const BUDGET_LIMITS = ['tokens_per_day', 'tokens_per_month', 'messages_per_day'] as const;
export type BudgetLimit = (typeof BUDGET_LIMITS)[number];

/** Admin-set limits for everyone (`default`), one user or one group. */
@Entity('budgets')
@Index('UQ_budgets_default', ['scope'], { unique: true, where: `scope = 'default'` })
@Index('UQ_budgets_user_id', ['user_id'], { unique: true, where: 'user_id IS NOT NULL' })
@Index('UQ_budgets_group_id', ['group_id'], { unique: true, where: 'group_id IS NOT NULL' })
@Check(
  'CHK_budgets_scope',
  `("scope" = 'default' AND "user_id" IS NULL AND "group_id" IS NULL) OR ("scope" = 'user' AND "user_id" IS NOT NULL AND "group_id" IS NULL) OR ("scope" = 'group' AND "group_id" IS NOT NULL AND "user_id" IS NULL)`,
)
export class Budget {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 8 })
  scope!: BudgetScope;

  @Column({ type: 'int', nullable: true })
  user_id!: number | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'int', nullable: true })
  group_id!: number | null;

  @ManyToOne(() => Group, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Group;

  @Column({ type: 'int', nullable: true })
  tokens_per_day!: number | null;

  @Column({ type: 'int', nullable: true })
  tokens_per_month!: number | null;

  @Column({ type: 'int', nullable: true })
  messages_per_day!: number | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;
}
