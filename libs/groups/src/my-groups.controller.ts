import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser } from '#common';
import type { AuthUser } from '#auth';
import { MyGroupList } from './group.presenter';
import { GroupsService } from './groups.service';

@ApiTags('groups')
@Authenticated()
@Controller('me/groups')
export class MyGroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @ApiOkResponse({ type: MyGroupList, description: 'The groups I may share my agents with.' })
  @ApiOperation({ summary: 'List my groups' })
  list(@CurrentUser() user: AuthUser): Promise<MyGroupList> {
    return this.groups.mine(user.id);
  }
}
