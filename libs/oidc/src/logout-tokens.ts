import { Injectable } from '@nestjs/common';
import { BadRequestError } from '#common';
import { OidcClient } from './oidc-client';

type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });
type RemoteKeySet = ReturnType<Jose['createRemoteJWKSet']>;

let jose: Promise<Jose> | undefined;

/** jose is ESM-only: loaded once, on first use. */
function loadJose(): Promise<Jose> {
  jose ??= import('jose');
  return jose;
}

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

// A logout token is sent at once: one issued longer ago than this (or in the future beyond the skew) is refused.
const MAX_AGE_SECONDS = 300;
const CLOCK_TOLERANCE_SECONDS = 30;

/** Who a verified logout token signs out: the provider's user and/or its session. */
export interface LogoutRequest {
  issuer: string;
  subject?: string;
  sid?: string;
}

/**
 * Back-channel logout tokens (OpenID Connect Back-Channel Logout 1.0, section 2.6), verified with jose
 * against the provider's published keys (fetched, cached and refetched on an unknown key by jose):
 * signature, iss, aud (our client id), iat, the logout event, `sub` or `sid`, and no `nonce`.
 */
@Injectable()
export class LogoutTokens {
  private keySet?: { uri: string; keys: RemoteKeySet };

  constructor(private readonly client: OidcClient) {}

  async verify(token: string): Promise<LogoutRequest> {
    const { jwtVerify, createRemoteJWKSet } = await loadJose();
    const { issuer, jwksUri } = await this.client.verificationKeys();
    if (this.keySet?.uri !== jwksUri) this.keySet = { uri: jwksUri, keys: createRemoteJWKSet(new URL(jwksUri)) };
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.keySet.keys, {
        issuer,
        audience: this.client.settings!.clientId,
        requiredClaims: ['iat'], // typ is not checked: providers send logout+jwt (recommended) or JWT
        maxTokenAge: MAX_AGE_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch {
      throw new BadRequestError('The logout token is invalid');
    }
    const events = payload.events;
    const isLogout = typeof events === 'object' && events !== null && BACKCHANNEL_LOGOUT_EVENT in events;
    if (!isLogout) throw new BadRequestError('The logout token carries no back-channel logout event');
    if ('nonce' in payload) throw new BadRequestError('A logout token must not carry a nonce');
    const subject = typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : undefined;
    const sid = typeof payload.sid === 'string' && payload.sid !== '' ? payload.sid : undefined;
    if (!subject && !sid) throw new BadRequestError('The logout token names neither a user (sub) nor a session (sid)');
    return { issuer, subject, sid };
  }
}
