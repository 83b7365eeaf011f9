import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, IdPipe, ApiErrors, ApiBodyErrors, ApiQueryErrors, ApiIdParams } from '#common';
import type { AuthUser } from '#auth';
import { GroupMemberPage, GroupPage, GroupResponse } from './group.presenter';
import { GroupsService } from './groups.service';
import { CreateGroupDto, ListGroupMembersQuery, ListGroupsQuery, UpdateGroupDto } from './dto/group.dto';

@ApiTags('admin')
@Authenticated({ admin: true })
@Controller('admin/groups')
export class AdminGroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @ApiOkResponse({ type: GroupPage, description: 'A `before` group deleted meanwhile is 422: list again from the first page.' })
  @ApiOperation({ summary: 'List groups' })
  @ApiQueryErrors()
  list(@Query() query: ListGroupsQuery): Promise<GroupPage> {
    return this.groups.list(query);
  }

  @Post()
  @ApiCreatedResponse({ type: GroupResponse })
  @ApiOperation({ summary: 'Create a group' })
  @ApiBodyErrors()
  @ApiErrors({ 409: 'A group with this name (in any case) exists.' })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateGroupDto): Promise<GroupResponse> {
    return this.groups.create(user, body);
  }

  @Get(':id')
  @ApiOkResponse({ type: GroupResponse })
  @ApiErrors(404)
  @ApiOperation({ summary: 'Get a group' })
  @ApiIdParams('id')
  get(@Param('id', IdPipe) id: number): Promise<GroupResponse> {
    return this.groups.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: GroupResponse })
  @ApiOperation({ summary: 'Rename a group or change its description' })
  @ApiBodyErrors()
  @ApiErrors(404, { 409: 'A group with this name (in any case) exists.' })
  @ApiIdParams('id')
  update(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Body() body: UpdateGroupDto): Promise<GroupResponse> {
    return this.groups.update(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted with its memberships and shares: its members lose its agents at once.' })
  @ApiOperation({ summary: 'Delete a group' })
  @ApiErrors(404)
  @ApiIdParams('id')
  remove(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.groups.remove(user, id);
  }

  @Get(':id/members')
  @ApiOkResponse({ type: GroupMemberPage })
  @ApiOperation({ summary: "List a group's members" })
  @ApiQueryErrors()
  @ApiErrors(404)
  @ApiIdParams('id')
  listMembers(@Param('id', IdPipe) id: number, @Query() query: ListGroupMembersQuery): Promise<GroupMemberPage> {
    return this.groups.listMembers(id, query);
  }

  @Put(':id/members/:userId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'A member now (idempotent).' })
  @ApiOperation({ summary: 'Add a member to a group' })
  @ApiErrors({ 404: 'Group or user missing.' })
  @ApiIdParams('id', 'userId')
  addMember(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Param('userId', IdPipe) userId: number): Promise<void> {
    return this.groups.addMember(user, id, userId);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'No longer a member: the agents shared with the group leave their catalogue at once.' })
  @ApiOperation({ summary: 'Remove a member from a group' })
  @ApiErrors({ 404: 'Group missing, or the user is not a member.' })
  @ApiIdParams('id', 'userId')
  removeMember(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Param('userId', IdPipe) userId: number): Promise<void> {
    return this.groups.removeMember(user, id, userId);
  }
}
