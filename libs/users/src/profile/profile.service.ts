import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '#common';
import { SessionsService } from '#sessions';
import { verifyPassword } from '../password';
import { presentUser, UserResponse } from '../user.presenter';
import { UsersService } from '../users.service';
import type { ChangePasswordDto, UpdateMeDto } from './dto/profile.dto';

/** The signed-in user's own account: reading and editing it, changing its password. */
@Injectable()
export class ProfileService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  async me(userId: number): Promise<UserResponse> {
    return presentUser(await this.users.get(userId));
  }

  async updateMe(userId: number, body: UpdateMeDto): Promise<UserResponse> {
    const user = await this.users.update(userId, body);
    // Cached sessions carry the email and trigramme.
    await this.sessions.forgetUser(userId);
    return presentUser(user);
  }

  /** Changes the password and signs out every other session. */
  async changePassword(userId: number, sessionId: string, body: ChangePasswordDto): Promise<void> {
    const user = await this.users.get(userId);
    if (!(await verifyPassword(body.current_password, user.hashed_password))) {
      throw new ForbiddenError('Current password is incorrect');
    }
    await this.users.setPassword(userId, body.new_password);
    await this.sessions.revokeAll(userId, sessionId);
  }
}
