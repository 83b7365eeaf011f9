import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { UserResponse } from '#users';
import { AuthService, ClientInfo } from './auth.service';
import { LoginDto, RegisterDto, TokenResponse } from './dto/auth.dto';
import type { AuthUser } from './auth-user';
import { Authenticated, CurrentUser } from '#common';

function clientOf(request: Request): ClientInfo {
  return { ip: request.ip, userAgent: request.get('user-agent') };
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @ApiCreatedResponse({ type: UserResponse, description: 'The first user ever becomes admin.' })
  @ApiConflictResponse({ description: 'Email or trigramme already taken.' })
  @ApiForbiddenResponse({ description: 'Registration is closed.' })
  @ApiTooManyRequestsResponse({ description: 'Too many registrations from this address; see Retry-After.' })
  register(@Body() body: RegisterDto, @Req() request: Request): Promise<UserResponse> {
    return this.auth.register(body, clientOf(request));
  }

  @Post('login')
  @HttpCode(200)
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiOkResponse({ type: TokenResponse })
  @ApiUnauthorizedResponse({ description: 'Wrong credentials.' })
  @ApiForbiddenResponse({ description: 'Account deactivated.' })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts; see Retry-After.' })
  login(@Body() body: LoginDto, @Req() request: Request): Promise<TokenResponse> {
    return this.auth.login(body, clientOf(request));
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @ApiNoContentResponse({ description: 'The token stops working everywhere.' })
  logout(@CurrentUser() user: AuthUser): Promise<void> {
    return this.auth.logout(user.session_id, user.id);
  }
}
