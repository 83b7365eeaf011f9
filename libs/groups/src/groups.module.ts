import { Module } from '@nestjs/common';
import { AuditModule } from '#audit';
import { AdminGroupsController } from './admin-groups.controller';
import { GroupMembership } from './group-membership';
import { GroupsService } from './groups.service';
import { MyGroupsController } from './my-groups.controller';
import { ProviderGroups } from './provider-groups';

/** Admin-managed groups and their members; GroupMembership tells features (agents) which groups a user is in. */
@Module({
  imports: [AuditModule],
  controllers: [AdminGroupsController, MyGroupsController],
  providers: [GroupsService, GroupMembership, ProviderGroups],
  exports: [GroupMembership, ProviderGroups],
})
export class GroupsModule {}
