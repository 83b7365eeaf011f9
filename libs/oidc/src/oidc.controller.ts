import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '#auth';
import { TokenResponse } from '#auth';
import { ApiBodyErrors, ApiErrors, ApiNoAuth, Authenticated, BadRequestError, CurrentUser } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { AuthProvidersResponse, ExchangeLoginCodeDto, OidcLogoutResponse } from './dto/oidc.dto';
import { OidcService, PENDING_SIGN_IN_SECONDS } from './oidc.service';

/** The cookie binding a sign-in to the browser that started it (its value: the `state`). */
const STATE_COOKIE = 'foyergpt_oidc';
const COOKIE_PATH = '/api/auth/oidc';
const LOGIN_URL = '/api/auth/oidc/login';

function cookieOf(request: Request, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** The query string exactly as the provider sent it (without the `?`). */
function rawQueryOf(request: Request): string {
  const url = request.originalUrl ?? request.url;
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

const REDIRECT = (description: string) =>
  ApiResponse({
    status: 302,
    description,
    headers: { Location: { description: 'Where the browser goes next.', schema: { type: 'string' } } },
  });

@ApiTags('auth')
@Controller('auth')
export class OidcController {
  constructor(
    private readonly oidc: OidcService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('providers')
  @ApiOkResponse({ type: AuthProvidersResponse })
  @ApiOperation({ summary: 'How one signs in here: password, registration, single sign-on' })
  @ApiNoAuth()
  providers(): AuthProvidersResponse {
    const { passwordLogin, allowRegistration, oidc } = this.config.auth;
    return {
      password: passwordLogin,
      registration: passwordLogin && allowRegistration,
      oidc: oidc ? { name: oidc.displayName, login_url: LOGIN_URL } : null,
    };
  }

  @Get('oidc/login')
  @REDIRECT("To the identity provider's sign-in page (authorization code flow with PKCE); sets the `foyergpt_oidc` state cookie.")
  @ApiErrors({ 404: 'Single sign-on is not configured.', 503: 'The identity provider cannot be reached.' })
  @ApiOperation({ summary: 'Single sign-on: start (a browser navigation, not a fetch)' })
  @ApiNoAuth()
  async login(@Res() response: Response): Promise<void> {
    const { url, state } = await this.oidc.start();
    response.cookie(STATE_COOKIE, state, { ...this.cookieOptions(), maxAge: PENDING_SIGN_IN_SECONDS * 1000 });
    response.redirect(302, url);
  }

  @Get('oidc/callback')
  @ApiQuery({ name: 'code', required: false, type: String })
  @ApiQuery({ name: 'state', required: false, type: String })
  @ApiQuery({ name: 'error', required: false, type: String, description: 'The provider refused (e.g. `access_denied`).' })
  @REDIRECT('Signed in: to `OIDC_POST_LOGIN_URL#login_code=<code>`, a one-time code (60 s) for POST /api/auth/oidc/exchange.')
  @ApiErrors({
    400: 'The sign-in did not start in this browser, expired or was already used, the provider refused it, or its ID token (signature, issuer, audience, expiry, nonce) is invalid.',
    403: "The email's domain is not allowed, accounts are not created at sign-in, an account with that email exists and cannot be linked (unverified email or linking off), or the account is deactivated.",
    404: 'Single sign-on is not configured.',
    503: 'The identity provider cannot be reached.',
  })
  @ApiOperation({ summary: "Single sign-on: the provider's redirect back" })
  @ApiNoAuth()
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const state = cookieOf(request, STATE_COOKIE);
    // Cleared whatever happens: a state is used once.
    response.clearCookie(STATE_COOKIE, this.cookieOptions());
    const location = await this.oidc.callback(request.query, rawQueryOf(request), state);
    response.redirect(302, location);
  }

  @Post('oidc/exchange')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenResponse, description: 'A session and its token, as POST /api/auth/login gives.' })
  @ApiErrors({ 400: 'Unknown, used or expired login code.', 403: 'Account deactivated.', 404: 'Single sign-on is not configured.' })
  @ApiOperation({ summary: 'Single sign-on: exchange the login code for a bearer token' })
  @ApiNoAuth()
  @ApiBodyErrors()
  exchange(@Body() body: ExchangeLoginCodeDto, @Req() request: Request): Promise<TokenResponse> {
    return this.oidc.exchange(body.code, { ip: request.ip, userAgent: request.get('user-agent') });
  }

  @Post('oidc/logout')
  @HttpCode(200)
  @Authenticated()
  @ApiOkResponse({ type: OidcLogoutResponse, description: 'This token stops working everywhere.' })
  @ApiOperation({ summary: "Sign out: revoke this token, and get the provider's end-session URL" })
  logout(@CurrentUser() user: AuthUser): Promise<OidcLogoutResponse> {
    return this.oidc.logout(user);
  }

  @Post('oidc/backchannel-logout')
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: { type: 'object', required: ['logout_token'], properties: { logout_token: { type: 'string', description: 'The signed logout token (JWT).' } } } })
  @ApiResponse({
    status: 200,
    description: 'The sessions it names are revoked (their sockets closed). Empty body.',
    content: { 'text/plain': { schema: { type: 'string', maxLength: 0 } } },
  })
  @ApiErrors({
    400: 'Invalid logout token: the body is `{"error": "invalid_request", "error_description", "detail"}`.',
    404: 'Single sign-on is not configured.',
    422: 'Not used: an invalid form is a 400.',
  })
  @ApiOperation({ summary: 'Back-channel logout: the identity provider ends sessions (OpenID Connect Back-Channel Logout)' })
  @ApiNoAuth()
  async backchannelLogout(@Req() request: Request, @Res() response: Response): Promise<void> {
    const body = (request.body ?? {}) as Record<string, unknown>;
    response.set('Cache-Control', 'no-store');
    try {
      await this.oidc.backchannelLogout(body.logout_token);
    } catch (error) {
      // The spec's error shape, with our `detail` as well.
      if (!(error instanceof BadRequestError)) throw error;
      const description = String(error.detail);
      response.status(400).json({ error: 'invalid_request', error_description: description, detail: description });
      return;
    }
    response.status(200).end();
  }

  private cookieOptions() {
    const secure = new URL(this.config.auth.oidc?.redirectUrl ?? 'http://localhost').protocol === 'https:';
    return { httpOnly: true, sameSite: 'lax' as const, path: COOKIE_PATH, secure };
  }
}
