import { Injectable } from '@nestjs/common';
import { AuditLog } from '#audit';
import type { AuditActor } from '#audit';
import { GroupsRepository } from '#database';
import { GroupMembership } from './group-membership';

/** A group name as the provider may send it: what our groups accept (1 to 100 characters). */
function usableName(name: unknown): name is string {
  return typeof name === 'string' && name.trim().length > 0 && name.trim().length <= 100;
}

/**
 * Memberships that follow the identity provider's groups claim at each sign-in: the user joins
 * our groups named in it (by name, in any case; created as provider-managed when missing) and
 * leaves the provider-managed groups no longer in it. Groups admins manage here are never left.
 */
@Injectable()
export class ProviderGroups {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly membership: GroupMembership,
    private readonly audit: AuditLog,
  ) {}

  async sync(user: AuditActor, claimed: unknown[]): Promise<void> {
    // One per name in any case, spelt as first claimed (the spelling a created group gets).
    const names = new Map<string, string>();
    for (const name of claimed.filter(usableName).map((claim) => claim.trim())) if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
    const wanted = new Set<number>();
    let changed = false;
    for (const name of names.values()) {
      const { group, created } = await this.groups.findOrCreateProviderGroup(name);
      wanted.add(group.id);
      if (created) await this.audit.record({ action: 'group.create', actor: user, target: { type: 'group', id: group.id, label: group.name }, details: { source: 'oidc' } });
      if (await this.groups.addMember(group.id, user.id)) {
        changed = true;
        await this.record('group.member_add', user, group);
      }
    }
    for (const group of await this.groups.providerGroupsOf(user.id)) {
      if (wanted.has(group.id) || !(await this.groups.removeMember(group.id, user.id))) continue;
      changed = true;
      await this.record('group.member_remove', user, group);
    }
    // The catalogue reads memberships through this cache: a change shows at once.
    if (changed) await this.membership.forget([user.id]);
  }

  private record(action: string, user: AuditActor, group: { id: number; name: string }): Promise<void> {
    return this.audit.record({ action, actor: user, target: { type: 'group', id: group.id, label: group.name }, details: { user_id: user.id, source: 'oidc' } });
  }
}
