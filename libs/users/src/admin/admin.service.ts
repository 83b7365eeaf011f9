import { Injectable } from '@nestjs/common';
import { AgentsService } from '#agents';
import { ApiKeysService } from '#api-keys';
import type { AuthUser } from '#auth';
import { AuditLog } from '#audit';
import type { AuditEntry } from '#audit';
import { ConflictError, NotFoundError, toPage } from '#common';
import { AuditRepository, UsersRepository } from '#database';
import type { LockedUsers, User } from '#database';
import { DocumentStorage } from '#documents';
import { SessionsService } from '#sessions';
import { presentUser, UserResponse } from '../user.presenter';
import { UsersService } from '../users.service';
import type { ListUsersQuery, UpdateUserDto, UserPage } from './dto/admin.dto';

const LAST_ADMIN = 'The last active admin cannot be demoted, deactivated or deleted';

/** What an admin's PATCH changed, one record per kind of change; nothing when the values were already so. */
function userChangeRecords(before: User, changes: UpdateUserDto): AuditEntry[] {
  const target = { type: 'user' as const, id: before.id, label: before.email };
  const records: AuditEntry[] = [];
  if (changes.is_admin !== undefined && changes.is_admin !== before.is_admin) {
    records.push({ action: 'user.role_change', target, details: { is_admin: changes.is_admin } });
  }
  if (changes.is_active !== undefined && changes.is_active !== before.is_active) {
    records.push({ action: changes.is_active ? 'user.activate' : 'user.deactivate', target });
  }
  return records;
}

@Injectable()
export class AdminService {
  constructor(
    private readonly usersRepository: UsersRepository,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditLog,
    private readonly auditEvents: AuditRepository,
    private readonly storage: DocumentStorage,
    private readonly agents: AgentsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** Newest first, matching `q` when given. */
  async listUsers(query: ListUsersQuery): Promise<UserPage> {
    const rows = await this.usersRepository.search({ q: query.q, limit: query.limit + 1, before: query.before });
    return toPage(rows, query.limit, presentUser, (user) => user.id);
  }

  async getUser(id: number): Promise<UserResponse> {
    return presentUser(await this.users.get(id));
  }

  async updateUser(admin: AuthUser, id: number, changes: UpdateUserDto): Promise<UserResponse> {
    const before = await this.usersRepository.withUsersLock(async (locked) => {
      const user = await this.lockedUser(locked, id);
      const losesAdmin = changes.is_admin === false || changes.is_active === false;
      if (losesAdmin) await this.ensureAnotherAdmin(locked, user);
      await locked.update(id, changes);
      return user;
    });
    if (changes.is_active === false) await this.sessions.revokeAll(id);
    else await this.sessions.forgetUser(id);
    // Their keys die with the account's activity; otherwise cached copies go so a role change shows on /v1 at once.
    if (changes.is_active === false) await this.apiKeys.revokeAllOf(id);
    else await this.apiKeys.forget(await this.apiKeys.liveHashesOf(id));
    for (const entry of userChangeRecords(before, changes)) await this.audit.record({ ...entry, actor: admin });
    return presentUser(await this.users.get(id));
  }

  /**
   * Deletes a user and every trace of them but the ledger's and the audit
   * log's ids (see README "Deleting a user"). Rows go first, in one
   * transaction (agents, chats, memories, sessions, memberships and budgets by
   * cascade; documents, with their pages, chunks and vectors, explicitly; the
   * audit labels pseudonymised), files after it commits: a failure before the
   * commit changes nothing, one after it leaves only files no row points to
   * (each logged), never a user whose documents lost their files.
   */
  async deleteUser(admin: AuthUser, id: number): Promise<void> {
    const sessionIds = await this.sessions.liveIds(id);
    const keyHashes = await this.apiKeys.liveHashesOf(id);
    // Check and delete under one lock, so two admins cannot delete each other at once.
    const { user, files } = await this.usersRepository.withUsersLock(async (locked) => {
      const user = await this.lockedUser(locked, id);
      await this.ensureAnotherAdmin(locked, user);
      const files = await this.storage.detachAllOfUser(id, locked.manager);
      await locked.delete(id);
      await this.auditEvents.pseudonymiseUser(id, user.email, locked.manager);
      return { user, files };
    });
    // First: it never throws (each failure is logged), so nothing after it can keep a file of theirs.
    await this.storage.removeFiles(files);
    // The session rows went with the user (cascade); their cached copies go now.
    await this.sessions.ended(sessionIds);
    // So do their API keys' (rows by cascade too).
    await this.apiKeys.forget(keyHashes);
    // Their agents went too (chats of others on them keep their history, read-only).
    await this.agents.invalidateCatalogue();
    // Keeps the user's id, not their email (already pseudonymised above).
    await this.audit.record({
      action: 'user.delete',
      actor: admin,
      target: { type: 'user', id, label: null },
      details: { documents: files.length },
    });
    // An admin who deleted themselves is this record's actor: their email goes from it too.
    if (admin.id === id) await this.auditEvents.pseudonymiseUser(id, user.email);
  }

  async revokeSessions(admin: AuthUser, id: number): Promise<{ revoked: number }> {
    const user = await this.users.get(id);
    const revoked = await this.sessions.revokeAll(id);
    await this.audit.record({
      action: 'session.revoke',
      actor: admin,
      target: { type: 'user', id, label: user.email },
      details: { count: revoked },
    });
    return { revoked };
  }

  private async lockedUser(locked: LockedUsers, id: number): Promise<User> {
    const user = await locked.findById(id);
    if (!user) throw new NotFoundError('User not found');
    return user;
  }

  private async ensureAnotherAdmin(locked: LockedUsers, user: User): Promise<void> {
    if (!user.is_admin || !user.is_active) return;
    const admins = await locked.countActiveAdmins();
    if (admins <= 1) throw new ConflictError(LAST_ADMIN);
  }
}
