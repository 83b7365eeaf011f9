import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, toPage } from '#common';
import { UsersRepository } from '#database';
import type { LockedUsers, User } from '#database';
import { SessionsService } from '#sessions';
import { presentUser, UserResponse } from '../user.presenter';
import { UsersService } from '../users.service';
import type { ListUsersQuery, UpdateUserDto, UserPage } from './dto/admin.dto';

const LAST_ADMIN = 'The last active admin cannot be demoted, deactivated or deleted';

@Injectable()
export class AdminService {
  constructor(
    private readonly usersRepository: UsersRepository,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  /** Newest first, matching `q` when given. */
  async listUsers(query: ListUsersQuery): Promise<UserPage> {
    const rows = await this.usersRepository.search({ q: query.q, limit: query.limit + 1, before: query.before });
    return toPage(rows, query.limit, presentUser, (user) => user.id);
  }

  async getUser(id: number): Promise<UserResponse> {
    return presentUser(await this.users.get(id));
  }

  async updateUser(id: number, changes: UpdateUserDto): Promise<UserResponse> {
    await this.usersRepository.withUsersLock(async (locked) => {
      const user = await this.lockedUser(locked, id);
      const losesAdmin = changes.is_admin === false || changes.is_active === false;
      if (losesAdmin) await this.ensureAnotherAdmin(locked, user);
      await locked.update(id, changes);
    });
    if (changes.is_active === false) await this.sessions.revokeAll(id);
    else await this.sessions.forgetUser(id);
    return presentUser(await this.users.get(id));
  }

  async deleteUser(id: number): Promise<void> {
    const sessionIds = await this.sessions.liveIds(id);
    // Check and delete under one lock, so two admins cannot delete each other at once.
    await this.usersRepository.withUsersLock(async (locked) => {
      const user = await this.lockedUser(locked, id);
      await this.ensureAnotherAdmin(locked, user);
      await locked.delete(id);
    });
    // The session rows went with the user (cascade); their cached copies go now.
    await this.sessions.ended(sessionIds);
  }

  async revokeSessions(id: number): Promise<{ revoked: number }> {
    await this.users.get(id);
    return { revoked: await this.sessions.revokeAll(id) };
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
