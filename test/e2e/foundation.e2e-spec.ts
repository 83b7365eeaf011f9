import { usesWorker } from '#jobs';
import { startTestApp, TestApp } from '../support/test-app';

describe('Foundation: HTTP basics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: '["http://localhost:8060"]' });
  });
  afterAll(() => t.close());

  it('answers liveness with a request id', async () => {
    const response = await t.http().get('/api/health').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
    expect(response.headers['x-request-id']).toMatch(/^[\w-]{8,}$/);
  });

  it('reuses a sane incoming X-Request-Id', async () => {
    const response = await t.http().get('/api/health').set('X-Request-Id', 'abc-123').expect(200);
    expect(response.headers['x-request-id']).toBe('abc-123');
  });

  it('reports readiness of the database and, when configured, Redis', async () => {
    const response = await t.http().get('/api/health/ready').expect(200);
    const checks = { database: 'up', redis: process.env.REDIS_URL ? 'up' : 'disabled', llm: 'disabled' };
    // With Redis and PostgreSQL, jobs wait for apps/worker, which this suite does not start.
    expect(response.body).toEqual(
      usesWorker(t.config)
        ? { status: 'degraded', detail: expect.stringMatching(/^jobs: no worker consuming/), checks: { ...checks, jobs: 'down' }, llm_endpoints: [] }
        : { status: 'ok', checks: { ...checks, jobs: 'up' }, llm_endpoints: [] },
    );
  });

  it('answers an unknown route with 404 and a detail', async () => {
    const response = await t.http().get('/api/no-such-route').expect(404);
    expect(response.body).toEqual({ detail: 'Not Found' });
  });

  it('answers malformed JSON with 400 and a detail', async () => {
    const response = await t
      .http()
      .post('/api/health')
      .set('Content-Type', 'application/json')
      .send('{"broken": ')
      .expect(400);
    expect(response.body).toEqual({ detail: 'Malformed JSON in request body' });
  });

  it('answers an oversized body with 413 and a detail', async () => {
    const response = await t
      .http()
      .post('/api/health')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ text: 'x'.repeat(t.config.limits.requestBodyBytes + 10) }))
      .expect(413);
    expect(response.body).toEqual({ detail: 'Request body too large' });
  });

  it('serves Swagger UI and the OpenAPI document with bearer auth', async () => {
    const ui = await t.http().get('/api/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger');
    const json = await t.http().get('/api/docs-json').expect(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(json.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/health/ready']));
  });

  it('sets security headers (helmet)', async () => {
    const response = await t.http().get('/api/health').expect(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
    // What the web client needs (WEB_UI): its own scripts and API, Socket.IO included ('self' covers ws: to this host).
    expect(response.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    expect(response.headers['content-security-policy']).toMatch(/connect-src 'self'(;|$)/);
  });

  it('serves no web client when WEB_UI is off (the default outside development)', async () => {
    expect(t.config.webUi).toBe(false);
    await t.http().get('/').expect(404);
    await t.http().get('/app.js').expect(404);
  });

  it('allows CORS from configured origins only', async () => {
    const allowed = await t.http().get('/api/health').set('Origin', 'http://localhost:8060').expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:8060');
    const other = await t.http().get('/api/health').set('Origin', 'http://evil.example').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
