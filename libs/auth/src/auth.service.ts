import { Inject, Injectable } from '@nestjs/common';
import { ForbiddenError, RateLimiter, UnauthorizedError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import type { User } from '#database';
import { SessionsService } from '#sessions';
import { hashPassword, presentUser, UserResponse, UsersService, verifyPassword } from '#users';
import { AccessTokens } from './access-tokens';
import type { LoginDto, RegisterDto, TokenResponse } from './dto/auth.dto';

export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

const BAD_CREDENTIALS = 'Incorrect email, trigramme or password';

@Injectable()
export class AuthService {
  /** Compared against when the user does not exist, so both failures take as long. */
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokens,
    private readonly rateLimiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.dummyHash = hashPassword('not-a-real-password', config.auth.bcryptRounds);
  }

  async register(body: RegisterDto, client: ClientInfo): Promise<UserResponse> {
    if (!this.config.auth.allowRegistration) throw new ForbiddenError('Registration is closed');
    const { registrationsPerWindow: limit, registrationWindowSeconds: windowSeconds } = this.config.auth;
    await this.rateLimiter.consume({ key: `register:ip:${client.ip ?? 'unknown'}`, limit, windowSeconds });
    return presentUser(await this.users.create(body));
  }

  async login(body: LoginDto, client: ClientInfo): Promise<TokenResponse> {
    const identifier = (body.email ?? body.trigramme ?? body.username ?? '').trim().toLowerCase();
    const { loginAttemptsPerWindow: limit, loginWindowSeconds: windowSeconds } = this.config.auth;
    await this.rateLimiter.consume({ key: `login:ip:${client.ip ?? 'unknown'}`, limit: limit * 5, windowSeconds });
    const user = await this.users.findByLogin(identifier);
    // Email and trigramme of one account share its count; an unknown identifier is counted by itself.
    const account = user ? `user:${user.id}` : `name:${identifier}`;
    await this.rateLimiter.consume({ key: `login:account:${account}`, limit, windowSeconds });

    const valid = await verifyPassword(body.password, user?.hashed_password ?? (await this.dummyHash));
    if (!user || !valid) throw new UnauthorizedError(BAD_CREDENTIALS);
    if (!user.is_active) throw new ForbiddenError('This account is deactivated');
    return this.issueToken(user, client);
  }

  async logout(sessionId: string, userId: number): Promise<void> {
    await this.sessions.revokeOwn(userId, sessionId);
  }

  private async issueToken(user: User, client: ClientInfo): Promise<TokenResponse> {
    const session = await this.sessions.create(user.id, client.userAgent, client.ip);
    const expiresIn = this.config.auth.jwtExpiresInSeconds;
    const access_token = this.tokens.issue(user.id, session.id, expiresIn);
    return { access_token, token_type: 'bearer', expires_in: expiresIn, user: presentUser(user) };
  }
}
