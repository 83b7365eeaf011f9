import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Agent } from './agent.entity';
import { User } from './user.entity';

/** A team the admins manage: its members share the agents shared with it, and it may carry a budget. */
@Entity('groups')
export class Group {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Unique regardless of case (a functional index made by the migration). */
  @Index('UQ_groups_name_lower', { synchronize: false })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  /** Created from the identity provider's group claim: memberships follow the claim at each sign-in. */
  @Column({ type: 'boolean', default: false })
  oidc_managed!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;
}

/** A user's membership of a group (a user may be in several). */
@Entity('group_members')
@Index('IDX_group_members_user_id', ['user_id'])
export class GroupMember {
  @PrimaryColumn({ type: 'int' })
  group_id!: number;

  @PrimaryColumn({ type: 'int' })
  user_id!: number;

  @ManyToOne(() => Group, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Group;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  added_at!: Date;
}

/** A group an agent with visibility `groups` is shared with. */
@Entity('agent_groups')
@Index('IDX_agent_groups_group_id', ['group_id'])
export class AgentGroup {
  @PrimaryColumn({ type: 'int' })
  agent_id!: number;

  @PrimaryColumn({ type: 'int' })
  group_id!: number;

  @ManyToOne(() => Agent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id' })
  agent?: Agent;

  @ManyToOne(() => Group, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Group;
}
