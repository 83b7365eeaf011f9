import { Inject, Injectable, Logger } from '@nestjs/common';
import { ServiceUnavailableError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig, OidcConfig } from '#config';

type OpenIdClient = typeof import('openid-client', { with: { 'resolution-mode': 'import' } });
type Configuration = InstanceType<OpenIdClient['Configuration']>;

let openIdClient: Promise<OpenIdClient> | undefined;

/** openid-client is ESM-only: loaded once, on first use. */
export function loadOpenIdClient(): Promise<OpenIdClient> {
  openIdClient ??= import('openid-client');
  return openIdClient;
}

/** What the browser's trip to the provider must bring back: kept server-side under its `state`. */
export interface AuthorizationChecks {
  codeVerifier: string;
  state: string;
  nonce: string;
}

/** The claims of a verified ID token (signature, iss, aud, exp, nonce checked by openid-client). */
export type IdTokenClaims = Record<string, unknown> & { iss: string; sub: string; sid?: unknown };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The relying party: the provider's metadata, discovered from OIDC_ISSUER on first use and kept
 * (a failed discovery is retried at the next sign-in); openid-client verifies ID tokens (signature,
 * iss, aud, exp, nonce) against the provider's keys (JWKS), fetched again when an ID token names a
 * key it does not know (rotation).
 */
@Injectable()
export class OidcClient {
  private readonly logger = new Logger(OidcClient.name);
  private configuration?: Promise<Configuration>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get settings(): OidcConfig | null {
    return this.config.auth.oidc;
  }

  /** The provider's authorization URL for a new sign-in, with the checks to keep until its callback. */
  async startAuthorization(): Promise<{ url: URL; checks: AuthorizationChecks }> {
    const client = await loadOpenIdClient();
    const configuration = await this.discovered();
    const settings = this.required();
    const checks = { codeVerifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: settings.redirectUrl,
      scope: settings.scopes.join(' '),
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      state: checks.state,
      nonce: checks.nonce,
    });
    return { url, checks };
  }

  /**
   * Exchanges the callback's code (PKCE) and verifies the ID token; `callbackUrl` is our registered
   * redirect URL with the query the provider sent. Throws openid-client's errors as they come.
   */
  async completeAuthorization(callbackUrl: URL, checks: AuthorizationChecks): Promise<IdTokenClaims> {
    const client = await loadOpenIdClient();
    const configuration = await this.discovered();
    const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new client.ClientError('The provider sent no ID token');
    return claims as IdTokenClaims;
  }

  /** The provider's end-session URL (RP-initiated logout), or null when it has none. */
  async endSessionUrl(): Promise<string | null> {
    const client = await loadOpenIdClient();
    const configuration = await this.discovered();
    if (!configuration.serverMetadata().end_session_endpoint) return null;
    const settings = this.required();
    const parameters: Record<string, string> = { client_id: settings.clientId };
    if (settings.postLogoutUrl) parameters.post_logout_redirect_uri = settings.postLogoutUrl;
    return client.buildEndSessionUrl(configuration, parameters).href;
  }

  /** The provider's issuer and key set URL, for verifying its logout tokens. */
  async verificationKeys(): Promise<{ issuer: string; jwksUri: string }> {
    const metadata = (await this.discovered()).serverMetadata();
    if (!metadata.jwks_uri) throw new ServiceUnavailableError('The identity provider publishes no keys');
    return { issuer: metadata.issuer, jwksUri: metadata.jwks_uri };
  }

  /** Whether plain http is allowed to reach the provider. */
  private allowsHttp(issuer: URL): boolean {
    // Tokens must never cross the network in clear: http only to this machine (the test provider
    // runs on http://127.0.0.1) or outside production (APP_ENV test or development).
    return LOOPBACK.has(issuer.hostname) || this.config.appEnv !== 'production';
  }

  private discovered(): Promise<Configuration> {
    this.configuration ??= this.discover().catch((error: unknown) => {
      // Forgotten, so the next sign-in tries again (the provider may only have been down).
      this.configuration = undefined;
      throw error;
    });
    return this.configuration;
  }

  private async discover(): Promise<Configuration> {
    const client = await loadOpenIdClient();
    const settings = this.required();
    const issuer = new URL(settings.issuer);
    const authentication = settings.clientSecret ? client.ClientSecretPost(settings.clientSecret) : client.None();
    // openid-client would trust an ID token from the token endpoint on TLS alone (the spec allows it);
    // we verify its signature against the provider's JWKS too (fetched, cached, refetched on an unknown key).
    const execute = [client.enableNonRepudiationChecks];
    if (issuer.protocol === 'http:' && this.allowsHttp(issuer)) execute.push(client.allowInsecureRequests);
    try {
      return await client.discovery(issuer, settings.clientId, settings.clientSecret, authentication, { execute });
    } catch (error) {
      this.logger.warn(`Discovery at ${issuer.href} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw new ServiceUnavailableError('The identity provider cannot be reached: try again later', 30);
    }
  }

  private required(): OidcConfig {
    if (!this.config.auth.oidc) throw new ServiceUnavailableError('Single sign-on is not configured');
    return this.config.auth.oidc;
  }
}
