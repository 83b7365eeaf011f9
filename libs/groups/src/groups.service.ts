import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, toPage, ValidationError } from '#common';
import { GroupNameTakenError, GroupsRepository, UsersRepository } from '#database';
import type { GroupWithCount } from '#database';
import { AuditLog } from '#audit';
import type { AuditActor } from '#audit';
import { GroupMembership } from './group-membership';
import { GroupMemberPage, GroupPage, GroupResponse, MyGroupList, presentGroup, presentMember } from './group.presenter';
import type { CreateGroupDto, ListGroupMembersQuery, ListGroupsQuery, UpdateGroupDto } from './dto/group.dto';

const NAME_TAKEN = 'A group with this name already exists';

/** Runs a write; a taken name (in any case) becomes a 409. */
async function conflictIfTaken<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof GroupNameTakenError) throw new ConflictError(NAME_TAKEN);
    throw error;
  }
}

/** Admin-managed groups and their members; every change is audited. */
@Injectable()
export class GroupsService {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly users: UsersRepository,
    private readonly membership: GroupMembership,
    private readonly audit: AuditLog,
  ) {}

  async list(query: ListGroupsQuery): Promise<GroupPage> {
    if (query.before && !(await this.groups.exists(query.before))) {
      throw new ValidationError([{ loc: ['query', 'before'], msg: 'before is no longer a group: list again from the first page' }]);
    }
    const rows = await this.groups.search({ q: query.q, limit: query.limit + 1, before: query.before });
    return toPage(rows, query.limit, presentGroup, (group) => group.id);
  }

  async get(id: number): Promise<GroupResponse> {
    return presentGroup(await this.find(id));
  }

  async create(actor: AuditActor, body: CreateGroupDto): Promise<GroupResponse> {
    const id = await conflictIfTaken(() => this.groups.insert({ name: body.name, description: body.description ?? '' }));
    await this.audit.record({ action: 'group.create', actor, target: { type: 'group', id, label: body.name } });
    return this.get(id);
  }

  /** Renames it or changes its description (audited as group.rename either way). */
  async update(actor: AuditActor, id: number, body: UpdateGroupDto): Promise<GroupResponse> {
    const group = await this.find(id);
    const changes = Object.fromEntries(Object.entries({ name: body.name, description: body.description }).filter(([, value]) => value !== undefined));
    if (Object.keys(changes).length === 0) return presentGroup(group);
    await conflictIfTaken(() => this.groups.update(id, changes));
    const name = body.name ?? group.name;
    await this.audit.record({
      action: 'group.rename',
      actor,
      target: { type: 'group', id, label: name },
      details: { name, description: body.description ?? group.description, previous_name: group.name },
    });
    return this.get(id);
  }

  /** Its members lose its shared agents at once; agents shared only with it stay visible to their owners and admins. */
  async remove(actor: AuditActor, id: number): Promise<void> {
    const group = await this.find(id);
    const memberIds = await this.groups.delete(id);
    if (memberIds === null) throw new NotFoundError('Group not found');
    await this.membership.forget(memberIds);
    await this.audit.record({ action: 'group.delete', actor, target: { type: 'group', id, label: group.name }, details: { member_count: memberIds.length } });
  }

  async listMembers(id: number, query: ListGroupMembersQuery): Promise<GroupMemberPage> {
    await this.find(id);
    const rows = await this.groups.listMembers(id, { limit: query.limit + 1, before: query.before });
    return toPage(rows, query.limit, presentMember, (member) => member.user_id);
  }

  /** Idempotent: adding a member again changes nothing and records nothing. */
  async addMember(actor: AuditActor, id: number, userId: number): Promise<void> {
    const group = await this.find(id);
    if (!(await this.users.findById(userId))) throw new NotFoundError('User not found');
    if (!(await this.groups.addMember(id, userId))) return;
    await this.membership.forget([userId]);
    await this.audit.record({ action: 'group.member_add', actor, target: { type: 'group', id, label: group.name }, details: { user_id: userId } });
  }

  async removeMember(actor: AuditActor, id: number, userId: number): Promise<void> {
    const group = await this.find(id);
    if (!(await this.groups.removeMember(id, userId))) throw new NotFoundError('User is not a member of this group');
    await this.membership.forget([userId]);
    await this.audit.record({ action: 'group.member_remove', actor, target: { type: 'group', id, label: group.name }, details: { user_id: userId } });
  }

  /** The signed-in user's groups (id and name only). */
  async mine(userId: number): Promise<MyGroupList> {
    return { items: await this.groups.groupsOf(userId) };
  }

  private async find(id: number): Promise<GroupWithCount> {
    const group = await this.groups.findById(id);
    if (!group) throw new NotFoundError('Group not found');
    return group;
  }
}
