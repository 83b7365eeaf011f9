import { Body, Controller, Get, HttpCode, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '#auth';
import { Authenticated, CurrentUser, ApiErrors, ApiBodyErrors } from '#common';
import { UserResponse } from '../user.presenter';
import { ChangePasswordDto, UpdateMeDto } from './dto/profile.dto';
import { ProfileService } from './profile.service';

// Under /auth and tagged `auth` as they always were: the paths are the API's contract.
@ApiTags('auth')
@Controller('auth')
export class ProfileController {
  constructor(private readonly profile: ProfileService) {}

  @Get('me')
  @Authenticated()
  @ApiOkResponse({ type: UserResponse })
  @ApiOperation({ summary: 'Get my profile' })
  me(@CurrentUser() user: AuthUser): Promise<UserResponse> {
    return this.profile.me(user.id);
  }

  @Put('me')
  @Authenticated()
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors({ 409: 'Email or trigramme already taken.' })
  @ApiOperation({ summary: 'Change my email or trigramme' })
  @ApiBodyErrors()
  updateMe(@CurrentUser() user: AuthUser, @Body() body: UpdateMeDto): Promise<UserResponse> {
    return this.profile.updateMe(user, body);
  }

  @Put('password')
  @HttpCode(204)
  @Authenticated()
  @ApiNoContentResponse({ description: 'Changed; every other session is revoked.' })
  @ApiErrors({ 403: 'Current password is incorrect.' })
  @ApiOperation({ summary: 'Change my password' })
  @ApiBodyErrors()
  changePassword(@CurrentUser() user: AuthUser, @Body() body: ChangePasswordDto): Promise<void> {
    return this.profile.changePassword(user, body);
  }
}
