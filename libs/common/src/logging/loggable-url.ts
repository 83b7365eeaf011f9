/** Paths whose segment after the prefix is itself a secret (a share link's token). */
const SECRET_SEGMENT = /(\/api\/shared\/)[^/?#]+/g;

/** The request URL as logs may keep it: secrets carried in the path are replaced by `[redacted]`. */
export function loggableUrl(url: string): string {
  return url.replace(SECRET_SEGMENT, '$1[redacted]');
}
