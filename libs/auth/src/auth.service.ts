import { Inject, Injectable } from '@nestjs/common';
import { AuditLog } from '#audit';
import type { AuditEntry } from '#audit';
import { ForbiddenError, RateLimiter, UnauthorizedError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import type { User } from '#database';
import { SessionsService } from '#sessions';
import type { ProviderSession } from '#sessions';
import { hashPassword, presentUser, UserResponse, UsersService, verifyPassword } from '#users';
import { AccessTokens } from './access-tokens';
import type { AuthUser } from './auth-user';
import type { LoginDto, RegisterDto, TokenResponse } from './dto/auth.dto';

export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

const BAD_CREDENTIALS = 'Incorrect email, trigramme or password';

/**
 * A failed login's record. An unknown account has no actor and no identifier
 * (what was typed may be a password typed in the wrong field).
 */
function failedLogin(user: User | null, reason: 'unknown_account' | 'wrong_password' | 'deactivated'): AuditEntry {
  const actor = user ? { id: user.id, email: user.email } : null;
  const target = user ? { type: 'user' as const, id: user.id, label: user.email } : null;
  return { action: 'auth.login', outcome: 'failure', actor, target, details: { reason } };
}

function userRecord(action: string, user: { id: number; email: string }): AuditEntry {
  return { action, actor: { id: user.id, email: user.email }, target: { type: 'user', id: user.id, label: user.email } };
}

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
    private readonly audit: AuditLog,
  ) {
    this.dummyHash = hashPassword('not-a-real-password', config.auth.bcryptRounds);
  }

  async register(body: RegisterDto, client: ClientInfo): Promise<UserResponse> {
    this.ensurePasswordLogin();
    if (!this.config.auth.allowRegistration) throw new ForbiddenError('Registration is closed');
    const { registrationsPerWindow: limit, registrationWindowSeconds: windowSeconds } = this.config.auth;
    await this.rateLimiter.consume({ key: `register:ip:${client.ip ?? 'unknown'}`, limit, windowSeconds });
    const user = await this.users.create(body);
    await this.audit.record({ ...userRecord('auth.register', user), details: { is_admin: user.is_admin } });
    return presentUser(user);
  }

  async login(body: LoginDto, client: ClientInfo): Promise<TokenResponse> {
    this.ensurePasswordLogin();
    const identifier = (body.email ?? body.trigramme ?? body.username ?? '').trim().toLowerCase();
    const { loginAttemptsPerWindow: limit, loginWindowSeconds: windowSeconds } = this.config.auth;
    await this.rateLimiter.consume({ key: `login:ip:${client.ip ?? 'unknown'}`, limit: limit * 5, windowSeconds });
    const user = await this.users.findByLogin(identifier);
    // Email and trigramme of one account share its count; an unknown identifier is counted by itself.
    const account = user ? `user:${user.id}` : `name:${identifier}`;
    await this.rateLimiter.consume({ key: `login:account:${account}`, limit, windowSeconds });

    const valid = await verifyPassword(body.password, user?.hashed_password ?? (await this.dummyHash));
    if (!user || !valid) {
      await this.audit.record(failedLogin(user, user ? 'wrong_password' : 'unknown_account'));
      throw new UnauthorizedError(BAD_CREDENTIALS);
    }
    if (!user.is_active) {
      await this.audit.record(failedLogin(user, 'deactivated'));
      throw new ForbiddenError('This account is deactivated');
    }
    const token = await this.issueToken(user, client);
    await this.audit.record(userRecord('auth.login', user));
    return token;
  }

  async logout(user: AuthUser): Promise<void> {
    await this.sessions.revokeOwn(user.id, user.session_id);
    await this.audit.record({ action: 'auth.logout', actor: user, target: { type: 'session', id: user.session_id } });
  }

  /** PASSWORD_LOGIN=false: sign-in and sign-up with a password are off (the admin CLI still creates users). */
  private ensurePasswordLogin(): void {
    if (this.config.auth.passwordLogin) return;
    const provider = this.config.auth.oidc?.displayName ?? 'single sign-on';
    throw new ForbiddenError(`Password sign-in is turned off: sign in with ${provider}`);
  }

  /** A new session and its bearer token, as a sign-in answers them (`provider`: a single sign-on's origin). */
  async issueToken(user: User, client: ClientInfo, provider?: ProviderSession): Promise<TokenResponse> {
    const session = await this.sessions.create(user.id, client.userAgent, client.ip, provider);
    const expiresIn = this.config.auth.jwtExpiresInSeconds;
    const access_token = this.tokens.issue(user.id, session.id, expiresIn);
    return { access_token, token_type: 'bearer', expires_in: expiresIn, user: presentUser(user) };
  }
}
