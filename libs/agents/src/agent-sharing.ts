import { Injectable } from '@nestjs/common';
import { ValidationError } from '#common';
import { GroupsRepository } from '#database';
import type { Agent, AgentVisibility } from '#database';
import { AuditLog } from '#audit';
import { GroupMembership } from '#groups';
import type { AuthUser } from '#auth';

/** Who may see an agent, as asked for in a create or update body. */
export interface SharingRequest {
  is_public?: boolean;
  visibility?: AgentVisibility;
  group_ids?: number[];
}

/** Who may see an agent: its visibility and, for `groups`, the groups (empty otherwise). */
export interface Sharing {
  visibility: AgentVisibility;
  groupIds: number[];
}

const sameGroups = (a: number[], b: number[]) => a.length === b.length && a.every((id, i) => id === b[i]);

/** The rules of an agent's visibility: what a body asks for, who may share with which group, and the audit of changes. */
@Injectable()
export class AgentSharing {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly membership: GroupMembership,
    private readonly audit: AuditLog,
  ) {}

  /**
   * The sharing a body asks for, from `current` (null on create), or undefined when it asks for no change.
   * `is_public` is the seed's alias (true: public, false: private); sent with `visibility`, it must agree.
   * Group ids must exist (admins) or be groups the caller is a member of (anyone else): 422 naming them.
   */
  async resolve(user: AuthUser, body: SharingRequest, current: Sharing | null): Promise<Sharing | undefined> {
    const { is_public, visibility, group_ids } = body;
    if (is_public !== undefined && visibility !== undefined && is_public !== (visibility === 'public')) {
      throw new ValidationError([{ loc: ['body', 'is_public'], msg: `is_public: ${is_public} conflicts with visibility: ${visibility} (send visibility only)` }]);
    }
    const asked = visibility ?? (is_public === undefined ? undefined : is_public ? 'public' : 'private');
    if (current && asked === undefined && group_ids === undefined) return undefined;
    const target = asked ?? current?.visibility ?? 'private';
    if (target !== 'groups') {
      if (group_ids !== undefined) throw new ValidationError([{ loc: ['body', 'group_ids'], msg: 'group_ids is only for visibility groups' }]);
      return { visibility: target, groupIds: [] };
    }
    const groupIds = group_ids === undefined ? (current?.visibility === 'groups' ? current.groupIds : []) : [...new Set(group_ids)].sort((a, b) => a - b);
    if (groupIds.length === 0) throw new ValidationError([{ loc: ['body', 'group_ids'], msg: 'group_ids must list at least one group when visibility is groups' }]);
    if (group_ids !== undefined) await this.checkMayShare(user, groupIds);
    return { visibility: target, groupIds };
  }

  /** Records agent.visibility_change when the sharing differs from what it was (from null: a new agent shared beyond its owner). */
  async recordChange(user: AuthUser, agent: Pick<Agent, 'id' | 'name'>, from: Sharing | null, to: Sharing): Promise<void> {
    const unchanged = from ? from.visibility === to.visibility && sameGroups(from.groupIds, to.groupIds) : to.visibility === 'private';
    if (unchanged) return;
    await this.audit.record({
      action: 'agent.visibility_change',
      actor: user,
      target: { type: 'agent', id: agent.id, label: agent.name },
      details: { from: from?.visibility ?? null, to: to.visibility, group_ids: to.groupIds },
    });
  }

  private async checkMayShare(user: AuthUser, groupIds: number[]): Promise<void> {
    const allowed = new Set(user.is_admin ? await this.groups.existingIds(groupIds) : await this.membership.groupIdsNow(user.id));
    const refused = groupIds.filter((id) => !allowed.has(id));
    if (refused.length === 0) return;
    // Not a member and no such group read the same to a non-admin: group ids are not probed.
    const msg = user.is_admin ? `no group with id ${refused.join(', ')}` : `you may share only with groups you are a member of (not ${refused.join(', ')})`;
    throw new ValidationError([{ loc: ['body', 'group_ids'], msg }]);
  }
}
