import { Injectable } from '@nestjs/common';
import type { AuthUser } from '#auth';
import { AuditLog } from '#audit';
import { ConflictError, ForbiddenError } from '#common';
import { UserIdentitiesRepository } from '#database';
import type { User } from '#database';
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
    private readonly audit: AuditLog,
    private readonly identities: UserIdentitiesRepository,
  ) {}

  async me(userId: number): Promise<UserResponse> {
    return presentUser(await this.users.get(userId));
  }

  async updateMe(me: AuthUser, body: UpdateMeDto): Promise<UserResponse> {
    const before = await this.users.get(me.id);
    const changes = { ...body, ...(await this.trigrammeChange(before, body.trigramme)) };
    const user = await this.users.update(me.id, changes);
    // Cached sessions carry the email and trigramme.
    await this.sessions.forgetUser(me.id);
    const changed = Object.fromEntries(
      (['email', 'trigramme'] as const).filter((field) => user[field] !== before[field]).map((field) => [field, user[field]]),
    );
    if (Object.keys(changed).length > 0) {
      await this.audit.record({
        action: 'user.update',
        actor: { id: me.id, email: before.email },
        target: { type: 'user', id: me.id, label: user.email },
        details: changed,
      });
    }
    return presentUser(user);
  }

  /**
   * A user who signs in through the identity provider keeps the trigramme it gave them; one derived
   * from their names they may change once (then it is theirs: `trigramme_derived` goes false).
   */
  private async trigrammeChange(user: User, trigramme: string | undefined): Promise<{ trigramme_derived?: false }> {
    if (trigramme === undefined || trigramme === user.trigramme) return {};
    if (!(await this.identities.existsForUser(user.id))) return {};
    if (!user.trigramme_derived) throw new ConflictError("Your trigramme comes from your organisation's directory: it cannot be changed here");
    return { trigramme_derived: false };
  }

  /** Changes the password and signs out every other session. */
  async changePassword(me: AuthUser, body: ChangePasswordDto): Promise<void> {
    const user = await this.users.get(me.id);
    const target = { type: 'user' as const, id: me.id, label: user.email };
    if (user.hashed_password === null) throw new ConflictError('This account signs in with single sign-on: it has no password to change');
    if (!(await verifyPassword(body.current_password, user.hashed_password))) {
      await this.audit.record({ action: 'user.password_change', outcome: 'failure', actor: me, target, details: { reason: 'wrong_current_password' } });
      throw new ForbiddenError('Current password is incorrect');
    }
    await this.users.setPassword(me.id, body.new_password);
    const revoked = await this.sessions.revokeAll(me.id, me.session_id);
    await this.audit.record({ action: 'user.password_change', actor: me, target, details: { sessions_revoked: revoked } });
  }
}
