/**
 * A boot failure the operator can fix: its message is one line naming the
 * setting, the host, and what to try, so it is reported without a stack.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}
