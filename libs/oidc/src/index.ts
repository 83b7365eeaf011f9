export * from './oidc.module';
export { OidcAccounts } from './oidc-accounts';
export type { ResolvedAccount } from './oidc-accounts';
export type { IdTokenClaims } from './oidc-client';
export { trigrammeCandidates } from './trigramme-candidates';
