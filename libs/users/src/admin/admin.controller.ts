import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, IdPipe, ApiErrors, ApiBodyErrors, ApiQueryErrors, ApiIdParams } from '#common';
import { UserResponse } from '../user.presenter';
import { AdminService } from './admin.service';
import { ListUsersQuery, RevokedSessionsResponse, UpdateUserDto, UserPage } from './dto/admin.dto';

@ApiTags('admin')
@Authenticated({ admin: true })
@Controller('admin/users')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  @ApiOkResponse({ type: UserPage })
  @ApiOperation({ summary: 'List users' })
  @ApiQueryErrors()
  list(@Query() query: ListUsersQuery): Promise<UserPage> {
    return this.admin.listUsers(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(404)
  @ApiOperation({ summary: 'Get a user' })
  @ApiIdParams('id')
  get(@Param('id', IdPipe) id: number): Promise<UserResponse> {
    return this.admin.getUser(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors({ 409: 'Would leave no active admin.' })
  @ApiOperation({ summary: 'Activate, deactivate, promote or demote a user' })
  @ApiBodyErrors()
  @ApiErrors(404)
  @ApiIdParams('id')
  update(@Param('id', IdPipe) id: number, @Body() body: UpdateUserDto): Promise<UserResponse> {
    return this.admin.updateUser(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 409: 'Would leave no active admin.' })
  @ApiOperation({ summary: 'Delete a user' })
  @ApiErrors(404)
  @ApiIdParams('id')
  delete(@Param('id', IdPipe) id: number): Promise<void> {
    return this.admin.deleteUser(id);
  }

  @Post(':id/revoke-sessions')
  @HttpCode(200)
  @ApiOkResponse({ type: RevokedSessionsResponse, description: 'How many sessions were revoked.' })
  @ApiOperation({ summary: 'Revoke every session of a user' })
  @ApiErrors(404)
  @ApiIdParams('id')
  revokeSessions(@Param('id', IdPipe) id: number): Promise<RevokedSessionsResponse> {
    return this.admin.revokeSessions(id);
  }
}
