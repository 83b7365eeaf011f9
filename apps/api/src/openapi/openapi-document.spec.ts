import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '#config';
import { AppModule } from '../app.module';
import { applyRoutePrefix } from '../route-prefix';
import { buildOpenApiDocument, serverUrl } from './openapi-document';

type Json = Record<string, unknown>;
type Operation = Json & {
  summary?: string;
  tags?: string[];
  security?: Json[];
  parameters?: { name: string; in: string; schema?: Json }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const ERROR_SCHEMA = { $ref: '#/components/schemas/ErrorResponse' };
/** The OpenAI-compatible API answers OpenAI's error shape, and its invalid fields are 400 (as OpenAI's), not 422. */
const OPENAI_ERROR_SCHEMA = { $ref: '#/components/schemas/OpenAiErrorResponse' };
const isOpenAiRoute = (name: string) => / \/v1\//.test(name);

/** Every JSON object of the document with its path, depth first. */
function* walk(node: unknown, path: string): Generator<[string, Json]> {
  if (Array.isArray(node)) for (const [index, item] of node.entries()) yield* walk(item, `${path}[${index}]`);
  else if (typeof node === 'object' && node !== null) {
    yield [path, node as Json];
    for (const [key, value] of Object.entries(node)) yield* walk(value, `${path}.${key}`);
  }
}

describe('OpenAPI document (generated from the code, no database)', () => {
  let document: OpenAPIObject;
  let operations: [string, Operation][];

  beforeAll(async () => {
    const config = loadConfig({ APP_ENV: 'test' });
    const app = await NestFactory.create(AppModule.forRoot(config), { preview: true, logger: false, abortOnError: false });
    applyRoutePrefix(app);
    document = buildOpenApiDocument(app, config);
    await app.close();
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Operation>)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]),
    );
  });

  it('is OpenAPI 3.1 with servers from the config', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: 'http://localhost:8061' }]);
    expect(serverUrl(loadConfig({ PUBLIC_URL: 'https://chat.example.org/' }))).toBe('https://chat.example.org');
    expect(serverUrl(loadConfig({ HOST: '127.0.0.1', PORT: '9000' }))).toBe('http://127.0.0.1:9000');
  });

  it('gives every operation a summary and a declared tag', () => {
    const declared = new Set((document.tags ?? []).map((tag) => tag.name));
    for (const [name, operation] of operations) {
      expect({ name, summary: Boolean(operation.summary) }).toEqual({ name, summary: true });
      expect({ name, tags: operation.tags?.filter((tag) => !declared.has(tag)) }).toEqual({ name, tags: [] });
    }
  });

  it('states every operation security: bearer or the OAuth2 password flow, or explicitly none', () => {
    const schemes = document.components?.securitySchemes ?? {};
    expect(schemes.oauth2).toMatchObject({ type: 'oauth2', flows: { password: { tokenUrl: '/api/auth/login' } } });
    for (const [name, operation] of operations) {
      const security = operation.security ?? [];
      const signedIn = security.some((requirement) => 'bearer' in requirement);
      expect({ name, security: security.length > 0 }).toEqual({ name, security: true });
      if (signedIn) {
        expect({ name, security }).toEqual({ name, security: expect.arrayContaining([{ bearer: [] }, { oauth2: [] }]) });
        expect({ name, has401: '401' in operation.responses }).toEqual({ name, has401: true });
      }
    }
    const publicRoutes = operations.filter(([, operation]) => operation.security?.some((r) => Object.keys(r).length === 0));
    expect(publicRoutes.map(([name]) => name)).toEqual(expect.arrayContaining(['POST /api/auth/login', 'GET /api/health']));
  });

  it('documents every error response with the shared ErrorResponse body (OpenAI\'s under /v1), and 422 on every body route', () => {
    for (const [name, operation] of operations) {
      const schema = isOpenAiRoute(name) ? OPENAI_ERROR_SCHEMA : ERROR_SCHEMA;
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400 || name === 'GET /api/health/ready') continue;
        expect({ name, status, schema: response.content?.['application/json']?.schema }).toEqual({ name, status, schema });
      }
      if (operation.requestBody && !isOpenAiRoute(name)) expect({ name, has422: '422' in operation.responses }).toEqual({ name, has422: true });
      if (operation.requestBody && isOpenAiRoute(name)) expect({ name, has400: '400' in operation.responses }).toEqual({ name, has400: true });
    }
  });

  it('types every success response that has a body', () => {
    for (const [name, operation] of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^2\d\d$/.test(status) || status === '204') continue;
        expect({ name, status, content: Object.keys(response.content ?? {}).length > 0 }).toEqual({ name, status, content: true });
      }
    }
  });

  it('has no 3.0 `nullable` and no untyped object (a `string | null` reflected as Object)', () => {
    const problems: string[] = [];
    for (const [path, node] of walk(document, '$')) {
      if ('nullable' in node && typeof node.nullable === 'boolean') problems.push(`${path}: nullable`);
      const types = ([] as unknown[]).concat(node.type ?? []);
      if (types.includes('object') && !node.properties && !node.additionalProperties && !node.allOf && !node.oneOf) {
        problems.push(`${path}: untyped object`);
      }
    }
    expect(problems).toEqual([]);
    expect(Object.keys(document.components?.schemas ?? {})).not.toContain('Object');
  });

  it('lists null among the values of a nullable enum (else a null fails validation)', () => {
    const problems: string[] = [];
    for (const [path, node] of walk(document, '$')) {
      const nullable = ([] as unknown[]).concat(node.type ?? []).includes('null');
      if (nullable && Array.isArray(node.enum) && !node.enum.includes(null)) problems.push(path);
    }
    expect(problems).toEqual([]);
  });

  it('types path ids as integers (session ids as UUIDs)', () => {
    const untyped = operations.flatMap(([name, operation]) =>
      (operation.parameters ?? [])
        // A share link's token is a secret, not an id; an OpenAI model id is `agent-<id>`.
        .filter((p) => p.in === 'path' && p.name !== 'token' && !(isOpenAiRoute(name) && p.name === 'model'))
        .filter((p) => p.schema?.type !== 'integer' && p.schema?.format !== 'uuid')
        .map((p) => `${name} ${p.name}: ${JSON.stringify(p.schema)}`),
    );
    expect(untyped).toEqual([]);
  });

  it('types paging query parameters as integers', () => {
    // The usage report's rows are keyed by a model name or a day as well as by ids: its cursor is a row's key, a string.
    // Search is ranked: its cursor is opaque (a window, a rank and an id).
    const stringCursors = ['GET /api/admin/usage before', 'GET /api/search before'];
    const paging = operations.flatMap(([name, operation]) =>
      (operation.parameters ?? []).filter((p) => ['limit', 'before', 'offset'].includes(p.name)).map((p) => [name, p.name, p.schema?.type]),
    );
    expect(paging.length).toBeGreaterThan(0);
    expect(paging.filter(([name, param, type]) => type !== (stringCursors.includes(`${name} ${param}`) ? 'string' : 'integer'))).toEqual([]);
  });
});
