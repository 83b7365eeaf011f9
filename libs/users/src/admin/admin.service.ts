import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ConflictError, NotFoundError } from '#common';
import { User } from '#database';
import { SessionsService } from '#sessions';
import { presentUser, UserResponse } from '../user.presenter';
import { UsersService } from '../users.service';
import type { ListUsersQuery, UpdateUserDto, UserPage } from './dto/admin.dto';

const LAST_ADMIN = 'The last active admin cannot be demoted, deactivated or deleted';

@Injectable()
export class AdminService {
  constructor(
    @InjectRepository(User) private readonly usersRepository: Repository<User>,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  async listUsers(query: ListUsersQuery): Promise<UserPage> {
    const builder = this.usersRepository.createQueryBuilder('user').orderBy('user.id', 'ASC');
    if (query.q) {
      const pattern = `%${query.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      builder.where('(user.email ILIKE :pattern OR user.trigramme ILIKE :pattern)', { pattern });
    }
    const [users, total] = await builder.skip(query.offset).take(query.limit).getManyAndCount();
    return { items: users.map(presentUser), total, limit: query.limit, offset: query.offset };
  }

  async getUser(id: number): Promise<UserResponse> {
    return presentUser(await this.users.get(id));
  }

  async updateUser(id: number, changes: UpdateUserDto): Promise<UserResponse> {
    await this.users.withUsersLock(async (manager) => {
      const user = await this.lockedUser(manager, id);
      const losesAdmin = changes.is_admin === false || changes.is_active === false;
      if (losesAdmin) await this.ensureAnotherAdmin(manager, user);
      await manager.update(User, id, changes);
    });
    if (changes.is_active === false) await this.sessions.revokeAll(id);
    else await this.sessions.forgetUser(id);
    return presentUser(await this.users.get(id));
  }

  async deleteUser(id: number): Promise<void> {
    const sessionIds = await this.sessions.liveIds(id);
    // Check and delete under one lock, so two admins cannot delete each other at once.
    await this.users.withUsersLock(async (manager) => {
      const user = await this.lockedUser(manager, id);
      await this.ensureAnotherAdmin(manager, user);
      await manager.delete(User, id);
    });
    // The session rows went with the user (cascade); their cached copies go now.
    await this.sessions.ended(sessionIds);
  }

  async revokeSessions(id: number): Promise<{ revoked: number }> {
    await this.users.get(id);
    return { revoked: await this.sessions.revokeAll(id) };
  }

  private async lockedUser(manager: EntityManager, id: number): Promise<User> {
    const user = await manager.findOneBy(User, { id });
    if (!user) throw new NotFoundError('User not found');
    return user;
  }

  private async ensureAnotherAdmin(manager: EntityManager, user: User): Promise<void> {
    if (!user.is_admin || !user.is_active) return;
    const admins = await manager.countBy(User, { is_admin: true, is_active: true });
    if (admins <= 1) throw new ConflictError(LAST_ADMIN);
  }
}
