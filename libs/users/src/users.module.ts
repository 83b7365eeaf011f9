import { Module } from '@nestjs/common';
import { AuditModule } from '#audit';
import { SessionsModule } from '#sessions';
import { AdminBootstrap } from './admin-bootstrap';
import { ProfileController } from './profile/profile.controller';
import { ProfileService } from './profile/profile.service';
import { UsersService } from './users.service';

/** People: accounts, profile and password (their administration: UserAdminModule). */
@Module({
  imports: [AuditModule, SessionsModule],
  controllers: [ProfileController],
  providers: [UsersService, ProfileService],
  exports: [UsersService],
})
export class UsersModule {}

/**
 * Creates the configured admin (ADMIN_*) when the API boots. Apart from
 * UsersModule so that operator commands, which boot UsersModule, write only
 * what they were asked to.
 */
@Module({
  imports: [UsersModule],
  providers: [AdminBootstrap],
})
export class AdminBootstrapModule {}
