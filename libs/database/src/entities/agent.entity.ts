import {
  Check,
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

export const AGENT_VISIBILITIES = ['private', 'groups', 'public'] as const;
export type AgentVisibility = (typeof AGENT_VISIBILITIES)[number];

@Entity('agents')
@Check('CHK_agents_visibility', `"visibility" IN ('private', 'groups', 'public')`)
export class Agent {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'text', default: '' })
  system_prompt!: string;

  @Column({ type: 'boolean', default: false })
  learn_from_interaction!: boolean;

  /** `groups`: shared with the groups in agent_groups. */
  @Index('IDX_agents_visibility')
  @Column({ type: 'varchar', length: 8, default: 'private' })
  visibility!: AgentVisibility;

  @Index('IDX_agents_owner_id')
  @Column({ type: 'int' })
  owner_id!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  owner?: User;

  @Column({ type: 'varchar', length: 200 })
  model!: string;

  /**
   * Models tried in order when every endpoint serving `model` fails before the
   * first token (the registry's failover); empty: no fallback.
   */
  @Column({ type: 'varchar', length: 200, array: true, default: () => "'{}'" })
  fallback_models!: string[];

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

/**
 * Who may use an agent (see its chats answer, search its documents, find it in
 * the catalogue): everyone when public, members of the groups it is shared with,
 * its owner, an admin; nobody once deleted. Checked on every use, not only at
 * chat creation (an agent may stop being shared). `inSharedGroup`: the user is
 * a member of one of the agent's groups (AgentsRepository.isUsableBy asks the
 * database only when that decides it).
 */
export function agentUsableBy(agent: Agent, user: { id: number; is_admin: boolean }, inSharedGroup = false): boolean {
  if (agent.deleted_at) return false;
  return agent.visibility === 'public' || agent.owner_id === user.id || user.is_admin || (agent.visibility === 'groups' && inSharedGroup);
}
