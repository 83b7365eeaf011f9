import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '#config';
import { toOpenApi31 } from './openapi-31';

/** Every tag an operation uses, described once (Redoc and Swagger UI group operations by them). */
const TAGS: [name: string, description: string][] = [
  ['auth', 'Sign up, sign in (JSON or the OAuth2 password form), sign out; my profile and password.'],
  ['sessions', 'My signed-in sessions (one per token), and revoking them.'],
  ['models', 'The chat models the configured providers serve.'],
  ['agents', 'Assistants with a system prompt, a model and documents; what they remember about me.'],
  ['chats', 'My conversations with an agent.'],
  ['messages', 'Sending messages, following the streamed answer (SSE), stopping and regenerating answers.'],
  ['api-keys', 'My personal API keys for the OpenAI-compatible routes under /v1: make (the key is shown once), list, revoke.'],
  ['openai-compatible', 'The OpenAI API for scripts and tools, with a personal API key (`Authorization: Bearer fgk_…`), outside /api: agents as models (`agent-<id>`), chat completions (streamed or not) and embeddings; errors in OpenAI\'s shape `{"error": {message, type, code, param}}`.'],
  ['sharing', 'Read-only links to a snapshot of a chat: make, list and revoke mine; read one without an account; continue one as my own chat.'],
  ['documents', 'Files attached to a chat or an agent: upload, extraction status, text, download.'],
  ['groups', 'The groups I am a member of: who I may share my agents with.'],
  ['admin', 'Administration (admins only): users, groups, budgets, agents, usage and the audit log.'],
  ['usage', 'My model usage today and this month, and what remains of my budgets.'],
  ['health', 'Liveness and readiness probes.'],
];

/** The URL clients reach the API at: PUBLIC_URL when set, else the listening host and port. */
export function serverUrl(config: AppConfig): string {
  if (config.publicUrl) return config.publicUrl;
  const anyHost = ['0.0.0.0', '::', ''].includes(config.host);
  const host = anyHost ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}

/** The OpenAPI document of the app's routes, generated from the controllers' decorators and DTOs. */
export function buildOpenApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('FoyerGPT API')
    .setDescription(
      "Chat with your organisation's AI agents. Sign in with `POST /api/auth/login` and send `Authorization: Bearer <access_token>`; " +
        "in Swagger UI, **Authorize** with the OAuth2 password flow (username: email or trigramme). " +
        'Every error is an `ErrorResponse`: `{"detail": "…"}`, or on 422 `{"detail": [{"loc": [...], "msg": "…"}]}`; ' +
        'under /v1 (the OpenAI-compatible API), OpenAI\'s `{"error": {"message", "type", "code", "param"}}`.',
    )
    .setVersion('0.1.0')
    .setOpenAPIVersion('3.1.0')
    .addServer(serverUrl(config))
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A personal API key (`fgk_…`, made with `POST /api/api-keys`): accepted only on the OpenAI-compatible routes under /v1.' }, 'api_key')
    .addOAuth2({ type: 'oauth2', flows: { password: { tokenUrl: '/api/auth/login', scopes: {} } } });
  for (const [name, description] of TAGS) builder.addTag(name, description);
  return toOpenApi31(SwaggerModule.createDocument(app, builder.build()));
}

/** Serves Swagger UI at /api/docs and the document at /api/docs-json. */
export function setUpSwagger(app: INestApplication, config: AppConfig): void {
  SwaggerModule.setup('api/docs', app, buildOpenApiDocument(app, config), { jsonDocumentUrl: 'api/docs-json' });
}
