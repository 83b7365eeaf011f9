/** Paths whose segment after the prefix is itself a secret (a share link's token). */
const SECRET_SEGMENT = /(\/api\/shared\/)[^/?#]+/g;

/** The single sign-on callback's query: the provider's authorization code and our state. */
const SIGN_ON_CALLBACK = /^(\/api\/auth\/oidc\/callback\?).*/;

/** The request URL as logs may keep it: secrets carried in the path (or query) are replaced by `[redacted]`. */
export function loggableUrl(url: string): string {
  return url.replace(SECRET_SEGMENT, '$1[redacted]').replace(SIGN_ON_CALLBACK, '$1[redacted]');
}
