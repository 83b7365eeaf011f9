import type { EnvReader } from './env-parsers';

/** Single sign-on through an OpenID Connect provider (Keycloak, Entra ID, Google, Okta, Authentik...). */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  scopes: string[];
  /** Our callback, as registered at the provider: `<public URL>/api/auth/oidc/callback`. */
  redirectUrl: string;
  /** Where the browser lands after the callback, with `#login_code=` (or `#login_error=`): the frontend. */
  postLoginUrl: string;
  /** Where the provider sends the browser back after an RP-initiated logout; unset: the provider's default. */
  postLogoutUrl?: string;
  /** What the sign-in button says. */
  displayName: string;
  /** A first sign-in creates the account; off, only accounts already linked (or linkable) sign in. */
  autoCreate: boolean;
  /** A first sign-in whose verified email is an existing account's links to it (audited); off, it is refused. */
  linkVerifiedEmail: boolean;
  /** Emails' domains allowed to sign in; empty: any. */
  allowedDomains: string[];
  /** The claim holding the trigramme; unset or unusable: derived from the names. */
  trigrammeClaim?: string;
  /** The claim listing the user's groups (an array of names). */
  groupsClaim: string;
  /** Members of any of these provider groups are admins, others not (synced at each sign-in); empty: roles stay ours. */
  adminGroups: string[];
  /** Memberships of our groups follow the groups claim at each sign-in (groups created by name as needed). */
  syncGroups: boolean;
}

/** OIDC_*: null unless OIDC_ISSUER is set; then OIDC_CLIENT_ID and OIDC_REDIRECT_URL are required. */
export function readOidcConfig(read: EnvReader): OidcConfig | null {
  const issuer = read.url('OIDC_ISSUER', ['http:', 'https:']);
  const clientId = read.optional('OIDC_CLIENT_ID');
  const redirectUrl = read.url('OIDC_REDIRECT_URL', ['http:', 'https:']);
  const common = {
    clientSecret: read.optional('OIDC_CLIENT_SECRET'),
    scopes: read.list('OIDC_SCOPES', ['openid', 'email', 'profile']),
    postLoginUrl: read.string('OIDC_POST_LOGIN_URL', '/'),
    postLogoutUrl: read.url('OIDC_POST_LOGOUT_URL', ['http:', 'https:']),
    displayName: read.string('OIDC_DISPLAY_NAME', 'Single sign-on'),
    autoCreate: read.bool('OIDC_AUTO_CREATE', true),
    linkVerifiedEmail: read.bool('OIDC_LINK_VERIFIED_EMAIL', false),
    allowedDomains: read.list('OIDC_ALLOWED_DOMAINS', []).map((domain) => domain.toLowerCase().replace(/^@/, '')),
    trigrammeClaim: read.optional('OIDC_TRIGRAMME_CLAIM'),
    groupsClaim: read.string('OIDC_GROUPS_CLAIM', 'groups'),
    adminGroups: read.list('OIDC_ADMIN_GROUPS', []),
    syncGroups: read.bool('OIDC_SYNC_GROUPS', false),
  };
  if (!issuer) {
    if (clientId || redirectUrl) read.fail('OIDC_ISSUER', 'is required when OIDC_CLIENT_ID or OIDC_REDIRECT_URL is set');
    return null;
  }
  if (!clientId) read.fail('OIDC_CLIENT_ID', 'is required when OIDC_ISSUER is set');
  if (!redirectUrl) read.fail('OIDC_REDIRECT_URL', 'is required when OIDC_ISSUER is set (our callback: <public URL>/api/auth/oidc/callback)');
  if (!common.scopes.includes('openid')) read.fail('OIDC_SCOPES', 'must include openid');
  if (!clientId || !redirectUrl) return null;
  return { issuer, clientId, redirectUrl, ...common };
}
