import { Module } from '@nestjs/common';
import { AgentsModule } from '#agents';
import { ApiKeysModule } from '#api-keys';
import { AuditModule } from '#audit';
import { DocumentStorageModule } from '#documents';
import { SessionsModule } from '#sessions';
import { UsersModule } from '../users.module';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';
import { UserDetailService } from './user-detail.service';

/**
 * Administration of users. Apart from UsersModule because deleting a user
 * reaches into other features (their agents and the catalogue, their files),
 * which operator commands, booting UsersModule alone, must not need.
 */
@Module({
  imports: [UsersModule, AuditModule, SessionsModule, AgentsModule, DocumentStorageModule, ApiKeysModule],
  controllers: [AdminController],
  providers: [AdminService, UserDetailService],
  exports: [AdminService],
})
export class UserAdminModule {}
