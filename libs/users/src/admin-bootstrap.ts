import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { normaliseEmail } from './user-fields';
import { UsersService } from './users.service';

/** Creates the ADMIN_EMAIL/ADMIN_TRIGRAMME/ADMIN_PASSWORD admin at boot if absent. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.auth.admin;
    if (!admin) return;
    const email = normaliseEmail(admin.email);
    if (await this.users.findByLogin(email)) return;
    await this.users.createAdmin({ email, trigramme: admin.trigramme.toUpperCase(), password: admin.password });
    this.logger.log(`Created admin ${email}`);
  }
}
