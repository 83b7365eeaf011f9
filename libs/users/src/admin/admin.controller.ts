import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '#auth';
import { Authenticated, CurrentUser, IdPipe, ApiErrors, ApiBodyErrors, ApiQueryErrors, ApiIdParams } from '#common';
import { UserResponse } from '../user.presenter';
import { AdminService } from './admin.service';
import { UserDetailResponse } from './user-detail.presenter';
import { UserDetailService } from './user-detail.service';
import { ListUsersQuery, RevokedSessionsResponse, UpdateUserDto, UserPage } from './dto/admin.dto';

@ApiTags('admin')
@Authenticated({ admin: true })
@Controller('admin/users')
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly details: UserDetailService,
  ) {}

  @Get()
  @ApiOkResponse({ type: UserPage })
  @ApiOperation({ summary: 'List users' })
  @ApiQueryErrors()
  list(@Query() query: ListUsersQuery): Promise<UserPage> {
    return this.admin.listUsers(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: UserDetailResponse, description: "The user's fields, today's and this month's usage, and live sessions." })
  @ApiErrors(404)
  @ApiOperation({ summary: 'Get a user, with usage and sessions' })
  @ApiIdParams('id')
  get(@Param('id', IdPipe) id: number): Promise<UserDetailResponse> {
    return this.details.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors({ 409: 'Would leave no active admin.' })
  @ApiOperation({ summary: 'Activate, deactivate, promote or demote a user' })
  @ApiBodyErrors()
  @ApiErrors(404)
  @ApiIdParams('id')
  update(@CurrentUser() admin: AuthUser, @Param('id', IdPipe) id: number, @Body() body: UpdateUserDto): Promise<UserResponse> {
    return this.admin.updateUser(admin, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 409: 'Would leave no active admin.' })
  @ApiOperation({
    summary: 'Delete a user',
    description:
      "Removes their files, documents (and what was extracted from them), chats, agents (others' chats on them stay, read-only), memories, sessions, group memberships and budget. The usage ledger and audit log keep their id, without their email.",
  })
  @ApiErrors(404)
  @ApiIdParams('id')
  delete(@CurrentUser() admin: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.admin.deleteUser(admin, id);
  }

  @Post(':id/revoke-sessions')
  @HttpCode(200)
  @ApiOkResponse({ type: RevokedSessionsResponse, description: 'How many sessions were revoked.' })
  @ApiOperation({ summary: 'Revoke every session of a user' })
  @ApiErrors(404)
  @ApiIdParams('id')
  revokeSessions(@CurrentUser() admin: AuthUser, @Param('id', IdPipe) id: number): Promise<RevokedSessionsResponse> {
    return this.admin.revokeSessions(admin, id);
  }
}
