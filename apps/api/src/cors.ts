import { Logger } from '@nestjs/common';
import type { AppConfig } from '#config';

/** Any port on the loopback names a browser uses for a local dev server (Vite, Next, …). */
const LOCAL_DEV_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/;

export type CorsOriginCallback = (origin: string | undefined, callback: (error: Error | null, allow?: boolean) => void) => void;

/**
 * The origins a browser may call the API (HTTP and Socket.IO) from: CORS_ORIGINS,
 * plus in development any http://localhost:* and http://127.0.0.1:* origin.
 * A refused origin is logged once, at warn, naming the variable to set.
 */
export function corsOrigin(config: AppConfig, logger = new Logger('Cors')): CorsOriginCallback {
  const listed = new Set(config.corsOrigins);
  const any = listed.has('*');
  const development = config.appEnv === 'development';
  const refused = new Set<string>();
  return (origin, callback) => {
    // Same-origin and non-browser requests carry no Origin.
    if (origin === undefined || any || listed.has(origin) || (development && LOCAL_DEV_ORIGIN.test(origin))) {
      callback(null, true);
      return;
    }
    if (!refused.has(origin) && refused.size < 1000) {
      refused.add(origin);
      logger.warn(`Refused a cross-origin request from ${origin}: add it to CORS_ORIGINS to allow it`);
    }
    callback(null, false);
  };
}
