const MAX_CHARS = 200;

/**
 * A failure told in a line fit for admins and the model: the message, with the
 * system error code when there is one, and every secret it might quote (a header
 * value, an environment value, the URL's password) masked.
 */
export function shortError(error: unknown, secrets: string[] = []): string {
  let message = error instanceof Error ? error.message : String(error);
  const code = systemCode(error);
  if (code && !message.includes(code)) message = `${message} (${code})`;
  for (const secret of secrets) {
    if (secret.length >= 4) message = message.split(secret).join('***');
  }
  message = message.replace(/\s+/g, ' ').trim() || 'unknown error';
  return message.length > MAX_CHARS ? `${message.slice(0, MAX_CHARS - 1)}…` : message;
}

/** ECONNREFUSED and the like, from the error or what caused it (fetch wraps them). */
function systemCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
