import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { UserResponse } from '#users';
import { AuthService, ClientInfo } from './auth.service';
import { LoginDto, RegisterDto, TokenResponse } from './dto/auth.dto';
import type { AuthUser } from './auth-user';
import { Authenticated, CurrentUser, ApiErrors, ApiBodyErrors, ApiNoAuth } from '#common';

function clientOf(request: Request): ClientInfo {
  return { ip: request.ip, userAgent: request.get('user-agent') };
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @ApiCreatedResponse({ type: UserResponse, description: 'The first user ever becomes admin.' })
  @ApiErrors({ 409: 'Email or trigramme already taken.' })
  @ApiErrors({ 403: 'Registration is closed, or password sign-in is turned off (PASSWORD_LOGIN=false).' })
  @ApiErrors({ 429: 'Too many registrations from this address; see Retry-After.' })
  @ApiOperation({ summary: 'Create an account' })
  @ApiNoAuth()
  @ApiBodyErrors()
  register(@Body() body: RegisterDto, @Req() request: Request): Promise<UserResponse> {
    return this.auth.register(body, clientOf(request));
  }

  @Post('login')
  @HttpCode(200)
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiOkResponse({ type: TokenResponse })
  @ApiErrors({ 401: 'Wrong credentials.' })
  @ApiErrors({ 403: 'Account deactivated, or password sign-in is turned off (PASSWORD_LOGIN=false).' })
  @ApiErrors({ 429: 'Too many attempts; see Retry-After.' })
  @ApiOperation({ summary: 'Sign in: get a bearer token (JSON or the OAuth2 password form)' })
  @ApiNoAuth()
  @ApiBodyErrors()
  login(@Body() body: LoginDto, @Req() request: Request): Promise<TokenResponse> {
    return this.auth.login(body, clientOf(request));
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @ApiNoContentResponse({ description: 'The token stops working everywhere.' })
  @ApiOperation({ summary: 'Sign out: revoke this token' })
  logout(@CurrentUser() user: AuthUser): Promise<void> {
    return this.auth.logout(user);
  }
}
