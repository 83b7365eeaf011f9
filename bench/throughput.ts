import autocannon from 'autocannon';
import express from 'express';
import helmet from 'helmet';
import { createServer, Server } from 'node:http';
import { ApiClient } from './lib/api-client';
import { freePort } from '../test/support/free-port';
import { round } from './lib/stats';

export interface Load {
  requests_per_s: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  errors: number;
}

async function load(url: string, seconds: number, connections: number, options: Partial<autocannon.Options> = {}): Promise<Load> {
  const result = await autocannon({ url, connections, duration: seconds, ...options });
  return {
    requests_per_s: round(result.requests.average),
    p50_ms: round(result.latency.p50),
    p99_ms: round(result.latency.p99),
    errors: result.errors + result.non2xx,
  };
}

const FLOOR_BODY = JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ id: i, name: `Agent ${i}`, is_public: true })));

async function listen(server: Server): Promise<{ url: string; server: Server }> {
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/`, server };
}

/** The floor: a bare node:http JSON handler on the same machine. */
function floorServer(): Promise<{ url: string; server: Server }> {
  return listen(
    createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(FLOOR_BODY);
    }),
  );
}

/** Between floor and API: Express with the API's own middleware (helmet, JSON body parser), no Nest. */
function expressServer(): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(helmet());
  app.use(express.json());
  app.get('/', (_request, response) => void response.type('json').send(FLOOR_BODY));
  return listen(createServer(app));
}

export async function benchThroughput(api: ApiClient, agentId: number, bigChatId: number, seconds: number, connections: number) {
  const floor = await floorServer();
  const bareExpress = await expressServer();
  const headers = { Authorization: `Bearer ${api.token}` };
  try {
    const floorLoad = await load(floor.url, seconds, connections);
    const expressLoad = await load(bareExpress.url, seconds, connections);
    const routes: Record<string, Load> = {
      // No auth, no database, no cache: what the HTTP stack alone (Nest, Express, helmet, CORS, pino-http) allows.
      'GET /api/health (stack only)': await load(`${api.base}/api/health`, seconds, connections),
      'GET /api/agents (cached)': await load(`${api.base}/api/agents`, seconds, connections, { headers }),
      'GET /api/chats': await load(`${api.base}/api/chats`, seconds, connections, { headers }),
      'GET /api/chats/{id} (10,000 messages)': await load(`${api.base}/api/chats/${bigChatId}`, seconds, connections, { headers }),
      'POST /api/chats': await load(`${api.base}/api/chats`, seconds, connections, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ agent_id: agentId, title: 'Bench' }),
      }),
    };
    const ratios = Object.fromEntries(
      Object.entries(routes).map(([name, result]) => [name, round((result.requests_per_s ?? 0) / (floorLoad.requests_per_s ?? 1), 3)]),
    );
    console.log(`throughput: floor ${JSON.stringify(floorLoad)} routes ${JSON.stringify(routes)}`);
    return { connections, seconds, floor: floorLoad, express: expressLoad, routes, ratio_to_floor: ratios };
  } finally {
    floor.server.close();
    bareExpress.server.close();
  }
}
