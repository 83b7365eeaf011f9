import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { bodyParserErrorHandler, jsonShapeVerifier, requestOrigin } from '#common';
import { AppConfig } from '#config';
import { AppModule } from './app.module';
import { httpMetrics } from '#health';
import { MetricsService } from '#health';
import { SocketIoAdapter } from './realtime/socket-io.adapter';
import { corsOrigin } from './cors';
import { setUpSwagger } from './openapi/openapi-document';
import { applyRoutePrefix } from './route-prefix';
import { contentSecurityPolicy, serveWebUi } from './web-ui';

/** Builds the configured (not yet listening) app; shared by main.ts and the tests. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
    // Let boot errors reach the caller (main.ts exits; tests see the error).
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', 'loopback');
  app.use(httpMetrics(app.get(MetricsService)));
  app.use(requestOrigin);
  app.use(helmet({ contentSecurityPolicy: contentSecurityPolicy(config) }));
  const origin = corsOrigin(config);
  app.enableCors({ origin, credentials: true });
  const webUiProblem = serveWebUi(app, config);
  if (webUiProblem) app.get(Logger).warn(webUiProblem);
  const { requestBodyBytes: limit, bodyShape } = config.limits;
  app.use(express.json({ limit, verify: jsonShapeVerifier(bodyShape) }));
  // Only login takes a form (OAuth2 password flow); elsewhere a form is left unparsed and told to send JSON.
  app.use('/api/auth/login', express.urlencoded({ extended: false, limit, parameterLimit: bodyShape.maxValues }));
  // So does the identity provider's back-channel logout (`logout_token=<JWT>`).
  app.use('/api/auth/oidc/backchannel-logout', express.urlencoded({ extended: false, limit, parameterLimit: bodyShape.maxValues }));
  app.use(bodyParserErrorHandler);
  app.useWebSocketAdapter(new SocketIoAdapter(app, config, origin));
  applyRoutePrefix(app);
  setUpSwagger(app, config);
  app.enableShutdownHooks();
  return app;
}
