import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import type { AppConfig } from '#config';

/**
 * Where `npm run build` puts the reference web client (apps/web): dist/web, found from this file
 * whether it runs compiled (dist/apps/api/src) or from the sources (tests).
 */
export function webUiDir(): string {
  const root = path.resolve(__dirname, '..', '..', '..');
  return path.join(path.basename(root) === 'dist' ? root : path.join(root, 'dist'), 'web');
}

/** helmet's policy, spelt out for the client: its own script, style and API (HTTP and Socket.IO). */
export function contentSecurityPolicy(config: AppConfig) {
  return {
    directives: {
      'script-src': ["'self'"],
      // 'self' covers ws:/wss: to the same host (CSP3); Swagger UI keeps its inline styles.
      'connect-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      // Over plain HTTP on a LAN address the browser would otherwise fetch the page's own files over HTTPS.
      'upgrade-insecure-requests': config.appEnv === 'production' ? [] : null,
    },
  };
}

/**
 * WEB_UI: the client's static files at `/` (index.html, app.js, app.css), before the API routes;
 * anything else falls through to /api, /ws and the 404 handler.
 */
export function serveWebUi(app: NestExpressApplication, config: AppConfig): string | undefined {
  if (!config.webUi) return undefined;
  const dir = webUiDir();
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    return `WEB_UI is on but ${dir}/index.html is missing: run npm run build (or set WEB_UI=false)`;
  }
  app.use(express.static(dir, { index: 'index.html', redirect: false, setHeaders: (response) => response.setHeader('Cache-Control', 'no-cache') }));
  return undefined;
}
