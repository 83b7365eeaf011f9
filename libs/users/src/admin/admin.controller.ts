import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, IdPipe } from '#common';
import { UserResponse } from '../user.presenter';
import { AdminService } from './admin.service';
import { ListUsersQuery, UpdateUserDto, UserPage } from './dto/admin.dto';

@ApiTags('admin')
@Authenticated({ admin: true })
@Controller('admin/users')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  @ApiOkResponse({ type: UserPage })
  list(@Query() query: ListUsersQuery): Promise<UserPage> {
    return this.admin.listUsers(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: UserResponse })
  @ApiNotFoundResponse()
  get(@Param('id', IdPipe) id: number): Promise<UserResponse> {
    return this.admin.getUser(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserResponse })
  @ApiConflictResponse({ description: 'Would leave no active admin.' })
  update(@Param('id', IdPipe) id: number, @Body() body: UpdateUserDto): Promise<UserResponse> {
    return this.admin.updateUser(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'Would leave no active admin.' })
  delete(@Param('id', IdPipe) id: number): Promise<void> {
    return this.admin.deleteUser(id);
  }

  @Post(':id/revoke-sessions')
  @HttpCode(200)
  @ApiOkResponse({ description: '`{revoked: n}`' })
  revokeSessions(@Param('id', IdPipe) id: number): Promise<{ revoked: number }> {
    return this.admin.revokeSessions(id);
  }
}
