import { Injectable } from '@nestjs/common';
import { SessionsRepository, UsageReportsRepository } from '#database';
import { UsersService } from '../users.service';
import { presentUserDetail } from './user-detail.presenter';
import type { UserDetailResponse } from './user-detail.presenter';

/** Sessions shown in a user's detail: enough to spot a stolen login, bounded for a user who never logs out. */
const SESSIONS_SHOWN = 100;

/** What an admin sees of one user: the account, today's and this month's usage (UTC), and the live sessions. */
@Injectable()
export class UserDetailService {
  constructor(
    private readonly users: UsersService,
    private readonly usage: UsageReportsRepository,
    private readonly sessions: SessionsRepository,
  ) {}

  async get(id: number, now = new Date()): Promise<UserDetailResponse> {
    const user = await this.users.get(id);
    const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const [usage, sessions] = await Promise.all([
      this.usage.userSummary(id, { day, month }),
      this.sessions.listLivePage(id, { limit: SESSIONS_SHOWN }),
    ]);
    return presentUserDetail(user, usage, sessions.map((row) => row.session));
  }
}
