import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuditLog } from '#audit';
import { AuthService } from '#auth';
import type { AuthUser, ClientInfo, TokenResponse } from '#auth';
import { BadRequestError, ForbiddenError, NotFoundError, ServiceUnavailableError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig, OidcConfig } from '#config';
import { UsersRepository } from '#database';
import { SessionsService } from '#sessions';
import { OidcAccounts } from './oidc-accounts';
import { loadOpenIdClient, OidcClient } from './oidc-client';
import type { AuthorizationChecks } from './oidc-client';
import { LogoutTokens } from './logout-tokens';
import { LOGIN_CODES, PENDING_SIGN_INS } from './oidc-stores';
import type { OneTimeStore } from './one-time-store';

/** How long a sign-in may stay at the provider (the state cookie lives as long). */
export const PENDING_SIGN_IN_SECONDS = 600;
/** How long the frontend has to exchange its login code. */
export const LOGIN_CODE_SECONDS = 60;

/** What a login code stands for, until the frontend exchanges it for a session. */
interface SignedIn {
  userId: number;
  identityId: number;
  idpSid?: string;
}

/**
 * Single sign-on (README "Single sign-on"): the redirect to the provider, its callback (state, PKCE,
 * the ID token verified by openid-client), the one-time login code the browser exchanges for a normal
 * session, RP-initiated logout, and the provider's back-channel logout.
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger(OidcService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly client: OidcClient,
    private readonly accounts: OidcAccounts,
    private readonly logoutTokens: LogoutTokens,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly users: UsersRepository,
    private readonly audit: AuditLog,
    @Inject(PENDING_SIGN_INS) private readonly pending: OneTimeStore,
    @Inject(LOGIN_CODES) private readonly codes: OneTimeStore,
  ) {}

  /** The configuration, or 404 when single sign-on is off. */
  settings(): OidcConfig {
    if (!this.config.auth.oidc) throw new NotFoundError('Single sign-on is not configured');
    return this.config.auth.oidc;
  }

  /** Where to send the browser, and the `state` its cookie must carry back. */
  async start(): Promise<{ url: string; state: string }> {
    this.settings();
    const { url, checks } = await this.client.startAuthorization();
    await this.pending.put(checks.state, JSON.stringify(checks), PENDING_SIGN_IN_SECONDS);
    return { url: url.href, state: checks.state };
  }

  /**
   * The provider's redirect back: `query` as received, `cookieState` from our cookie. Returns where to
   * send the browser: the frontend with a one-time login code in the fragment (never logged by servers).
   */
  async callback(query: Record<string, unknown>, rawQuery: string, cookieState: string | undefined): Promise<string> {
    const settings = this.settings();
    const state = typeof query.state === 'string' ? query.state : '';
    if (!state || state !== cookieState) throw new BadRequestError('This sign-in did not start in this browser, or it took too long: sign in again');
    // Taken now, so a replayed callback (or one that fails below) can never be completed again.
    const stored = await this.pending.take(state);
    if (!stored) throw new BadRequestError('This sign-in has expired or was already used: sign in again');
    if (typeof query.error === 'string') {
      const reason = /^[\w.-]{1,64}$/.test(query.error) ? ` (${query.error})` : '';
      throw new BadRequestError(`The identity provider refused the sign-in${reason}`);
    }
    // Our registered redirect URL, not the Host header: the ID token's exchange must name what the provider knows.
    const callbackUrl = new URL(settings.redirectUrl);
    callbackUrl.search = rawQuery;
    const claims = await this.client.completeAuthorization(callbackUrl, JSON.parse(stored) as AuthorizationChecks).catch(async (error: unknown) => {
      throw await this.refusal(error);
    });
    const { user, identity } = await this.accounts.resolve(claims);
    const code = randomBytes(32).toString('base64url');
    const signedIn: SignedIn = { userId: user.id, identityId: identity.id, idpSid: typeof claims.sid === 'string' ? claims.sid : undefined };
    await this.codes.put(code, JSON.stringify(signedIn), LOGIN_CODE_SECONDS);
    return `${settings.postLoginUrl}#login_code=${code}`;
  }

  /** The login code for a session and its token, exactly as a password sign-in answers. */
  async exchange(code: string, client: ClientInfo): Promise<TokenResponse> {
    this.settings();
    const stored = await this.codes.take(code);
    if (!stored) throw new BadRequestError('This login code is invalid, expired or already used: sign in again');
    const signedIn = JSON.parse(stored) as SignedIn;
    const user = await this.users.findById(signedIn.userId);
    if (!user) throw new BadRequestError('This login code is invalid, expired or already used: sign in again');
    if (!user.is_active) throw new ForbiddenError('This account is deactivated');
    const token = await this.auth.issueToken(user, client, { identityId: signedIn.identityId, idpSid: signedIn.idpSid });
    await this.audit.record({
      action: 'auth.login',
      actor: user,
      target: { type: 'user', id: user.id, label: user.email },
      details: { method: 'oidc' },
    });
    return token;
  }

  /** Ends this session, and tells where the provider's own session ends (null when not a single sign-on or no such endpoint). */
  async logout(user: AuthUser): Promise<{ end_session_url: string | null }> {
    const fromProvider = this.config.auth.oidc !== null && (await this.sessions.isFromProvider(user.session_id));
    await this.auth.logout(user);
    return { end_session_url: fromProvider ? await this.client.endSessionUrl() : null };
  }

  /** The provider signs a user (or one of its sessions) out: every matching session of ours ends, sockets included. */
  async backchannelLogout(logoutToken: unknown): Promise<void> {
    this.settings();
    if (typeof logoutToken !== 'string' || logoutToken === '') throw new BadRequestError('logout_token is required');
    const request = await this.logoutTokens.verify(logoutToken);
    const revoked = await this.sessions.revokeFromProvider(request);
    await this.audit.record({ action: 'session.revoke', actor: null, target: null, details: { count: revoked, source: 'oidc_backchannel' } });
  }

  /** openid-client's refusal, in the user's words (its messages name the failed check, never a token). */
  private async refusal(error: unknown): Promise<Error> {
    const client = await loadOpenIdClient();
    if (error instanceof client.AuthorizationResponseError) return new BadRequestError(`The identity provider refused the sign-in (${error.error})`);
    if (error instanceof client.ResponseBodyError) {
      return new BadRequestError(`The identity provider refused to complete the sign-in (${error.error}): sign in again`);
    }
    const unreachable = error instanceof TypeError || (error instanceof client.ClientError && ['OAUTH_TIMEOUT', 'OAUTH_ABORT'].includes(error.code ?? ''));
    if (unreachable) return new ServiceUnavailableError('The identity provider cannot be reached: try again later', 30);
    if (error instanceof client.ClientError) {
      const check = error.cause instanceof Error ? error.cause.message : error.message;
      this.logger.warn(`Single sign-on refused: ${check}`);
      return new BadRequestError(`The identity provider's answer could not be verified (${check}): sign in again`);
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
