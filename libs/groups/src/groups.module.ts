import { Module } from '@nestjs/common';
import { AuditModule } from '#audit';
import { AdminGroupsController } from './admin-groups.controller';
import { GroupMembership } from './group-membership';
import { GroupsService } from './groups.service';
import { MyGroupsController } from './my-groups.controller';

/** Admin-managed groups and their members; GroupMembership tells features (agents) which groups a user is in. */
@Module({
  imports: [AuditModule],
  controllers: [AdminGroupsController, MyGroupsController],
  providers: [GroupsService, GroupMembership],
  exports: [GroupMembership],
})
export class GroupsModule {}
