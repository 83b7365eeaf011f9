import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { bodyParserErrorHandler, jsonShapeVerifier } from '#common';
import { AppConfig } from '#config';
import { AppModule } from './app.module';
import { httpMetrics } from '#health';
import { MetricsService } from '#health';
import { SocketIoAdapter } from './realtime/socket-io.adapter';

function setUpSwagger(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('FoyerGPT API')
      .setDescription('Chat with your organisation\'s AI agents. Errors are `{"detail": ...}`.')
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .addOAuth2({ type: 'oauth2', flows: { password: { tokenUrl: '/api/auth/login', scopes: {} } } })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

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
  app.use(helmet());
  app.enableCors({ origin: config.corsOrigins.includes('*') ? true : config.corsOrigins, credentials: true });
  const { requestBodyBytes: limit, bodyShape } = config.limits;
  app.use(express.json({ limit, verify: jsonShapeVerifier(bodyShape) }));
  // Only login takes a form (OAuth2 password flow); elsewhere a form is left unparsed and told to send JSON.
  app.use('/api/auth/login', express.urlencoded({ extended: false, limit, parameterLimit: bodyShape.maxValues }));
  app.use(bodyParserErrorHandler);
  app.useWebSocketAdapter(new SocketIoAdapter(app, config));
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  setUpSwagger(app);
  app.enableShutdownHooks();
  return app;
}
