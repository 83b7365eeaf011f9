import { AppConfig, StartupError } from '#config';

/** Node's reasons for refusing to listen, as the setting to change. */
const LISTEN_HINTS: Record<string, (config: AppConfig) => string> = {
  EADDRINUSE: (c) => `port ${c.port} on ${c.host} is already in use (PORT): stop the process using it or set PORT to a free port`,
  EACCES: (c) => `not allowed to listen on port ${c.port} (PORT): use a port above 1023`,
  EADDRNOTAVAIL: (c) => `address ${c.host} is not on this machine (HOST): use 0.0.0.0, 127.0.0.1 or one of its addresses`,
};

export function listenError(error: unknown, config: AppConfig): unknown {
  const hint = LISTEN_HINTS[(error as NodeJS.ErrnoException).code ?? ''];
  return hint ? new StartupError(hint(config), { cause: error }) : error;
}
