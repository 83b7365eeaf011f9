import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { McpTools } from '#mcp';
import type { OfferedTool } from '#mcp';
import { REALTIME_BUS, topic } from '#realtime';
import type { RealtimeBus } from '#realtime';
import { signUp, SignedIn } from '../support/auth';
import { closedPort } from '../support/free-port';
import { EVERYTHING, nextPosted, startHttpEverything, startRecordingProxy } from '../support/mcp/everything';
import { startApp, startTestApp, testEnvironment, TestApp, TestEnvironment } from '../support/test-app';

const FILESYSTEM = path.resolve('node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const TOOL_TIMEOUT_SECONDS = 5;

describe('MCP servers: registry, health, grants and calls', () => {
  let t: TestApp;
  let admin: SignedIn;
  let alice: SignedIn;
  let bob: SignedIn;
  let http: { url: string; child: ChildProcess };
  let folder: string;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await startTestApp({ MCP_ALLOW_STDIO: 'true', MCP_TOOL_TIMEOUT_SECONDS: String(TOOL_TIMEOUT_SECONDS), MCP_MAX_RESULT_BYTES: '2048' });
    admin = await signUp(t);
    alice = await signUp(t);
    bob = await signUp(t);
    http = await startHttpEverything();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'foyergpt-mcp-files-'));
    fs.writeFileSync(path.join(folder, 'hello.txt'), 'Bonjour from the folder');
  });
  afterAll(async () => {
    await t.close();
    http.child.kill();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  const register = (body: object, user: SignedIn = admin) => t.http().post('/api/admin/mcp-servers').set(user.auth).send(body);
  const tools = () => t.app.get(McpTools);

  it('registers server-everything over stdio, connects it and lists its tools, never showing its environment values', async () => {
    const created = await register({
      name: 'everything',
      transport: 'stdio',
      command: process.execPath,
      args: [EVERYTHING, 'stdio'],
      env: { EVERYTHING_TOKEN: 'env-secret-value' },
      visibility: 'everyone',
    }).expect(201);
    ids.stdio = created.body.id;
    expect(created.body).toMatchObject({ name: 'everything', transport: 'stdio', env_names: ['EVERYTHING_TOKEN'], enabled: true, visibility: 'everyone' });
    expect(created.body.health).toMatchObject({ state: 'connected', error: null });
    expect(created.body.health.tools_count).toBeGreaterThan(3);
    const listed = await t.http().get(`/api/admin/mcp-servers/${ids.stdio}/tools`).set(admin.auth).expect(200);
    expect(listed.body.map((tool: { name: string }) => tool.name)).toEqual(expect.arrayContaining(['echo', 'get-sum', 'trigger-long-running-operation']));
    expect(listed.body.find((tool: { name: string }) => tool.name === 'echo')).toMatchObject({ description: expect.any(String), input_schema: { type: 'object' } });
    for (const response of [created, await t.http().get(`/api/admin/mcp-servers/${ids.stdio}`).set(admin.auth), await t.http().get('/api/admin/mcp-servers').set(admin.auth)]) {
      expect(JSON.stringify(response.body)).not.toContain('env-secret-value');
    }
  });

  it('registers it over Streamable HTTP with a secret header, refreshes it, and never returns the header value', async () => {
    const created = await register({ name: 'everything-http', transport: 'http', url: http.url, headers: { 'X-Api-Key': 'header-secret-value' } }).expect(201);
    ids.http = created.body.id;
    expect(created.body).toMatchObject({ url: http.url, header_names: ['X-Api-Key'], visibility: 'admin', health: { state: 'connected' } });
    const refreshed = await t.http().post(`/api/admin/mcp-servers/${ids.http}/refresh`).set(admin.auth).expect(200);
    expect(refreshed.body.health).toMatchObject({ state: 'connected', tools_count: created.body.health.tools_count });
    expect(new Date(refreshed.body.health.checked_at).getTime()).toBeGreaterThanOrEqual(new Date(created.body.health.checked_at).getTime());
    const all = await t.http().get('/api/admin/mcp-servers').set(admin.auth).expect(200);
    for (const body of [created.body, refreshed.body, all.body]) expect(JSON.stringify(body)).not.toContain('header-secret-value');
  });

  it('registers server-filesystem on a temporary folder and reads a file through it', async () => {
    const created = await register({ name: 'files', transport: 'stdio', command: process.execPath, args: [FILESYSTEM, folder], visibility: 'everyone' }).expect(201);
    ids.files = created.body.id;
    expect(created.body.health.state).toBe('connected');
    const agent = await t.http().post('/api/agents').set(alice.auth).send({ name: 'Reader' }).expect(201);
    await t.http().put(`/api/agents/${agent.body.id}/tools`).set(alice.auth).send({ tools: [{ server_id: ids.files, tool: 'read_text_file' }] }).expect(200);
    const [read] = await tools().forAgent(agent.body.id);
    expect(read).toMatchObject({ modelName: 'files__read_text_file', serverName: 'files', tool: 'read_text_file' });
    const outcome = await tools().call(read, { path: path.join(folder, 'hello.txt') }, new AbortController().signal);
    expect(outcome).toEqual({ ok: true, content: 'Bonjour from the folder', truncated: false });
    const outside = await tools().call(read, { path: '/etc/hostname' }, new AbortController().signal);
    expect(outside).toMatchObject({ ok: false, error: expect.stringMatching(/denied|outside/i) });
  });

  it('reports an unreachable server as failed, with an error that quotes no secret', async () => {
    const port = await closedPort();
    const created = await register({ name: 'nowhere', transport: 'http', url: `http://127.0.0.1:${port}/mcp`, headers: { Authorization: 'Bearer unreachable-secret' } }).expect(201);
    expect(created.body.health).toMatchObject({ state: 'failed', tools_count: 0, error: expect.stringMatching(/ECONNREFUSED/) });
    const listed = await t.http().get('/api/admin/mcp-servers').set(admin.auth).expect(200);
    expect(listed.body.find((server: { id: number }) => server.id === created.body.id).health).toMatchObject({ state: 'failed', error: created.body.health.error });
    expect(JSON.stringify([created.body, listed.body])).not.toContain('unreachable-secret');
    await t.http().delete(`/api/admin/mcp-servers/${created.body.id}`).set(admin.auth).expect(204);
    await t.http().get(`/api/admin/mcp-servers/${created.body.id}`).set(admin.auth).expect(404);
  });

  it('refuses bad registrations, saying what to fix, and is for admins only', async () => {
    expect((await register({ name: 'Bad_Name', transport: 'http', url: http.url }).expect(422)).body.detail[0]).toMatchObject({ loc: ['body', 'name'] });
    expect((await register({ name: 'everything', transport: 'http', url: http.url }).expect(409)).body.detail).toMatch(/name exists/);
    expect((await register({ name: 'no-url', transport: 'http' }).expect(422)).body.detail[0]).toMatchObject({ loc: ['body', 'url'], msg: expect.stringMatching(/required/) });
    expect((await register({ name: 'ftp', transport: 'http', url: 'ftp://127.0.0.1/mcp' }).expect(422)).body.detail[0].msg).toMatch(/http or https/);
    expect((await register({ name: 'creds', transport: 'http', url: 'http://me:pw@127.0.0.1/mcp' }).expect(422)).body.detail[0].msg).toMatch(/send them in headers/);
    expect((await register({ name: 'no-command', transport: 'stdio' }).expect(422)).body.detail[0]).toMatchObject({ loc: ['body', 'command'] });
    await register({ name: 'mine', transport: 'http', url: http.url }, alice).expect(403);
    await t.http().get('/api/admin/mcp-servers').set(alice.auth).expect(403);
  });

  it('lets whoever sees an agent read its tools and only its owner or an admin set them', async () => {
    const privateAgent = await t.http().post('/api/agents').set(alice.auth).send({ name: 'Private' }).expect(201);
    const publicAgent = await t.http().post('/api/agents').set(alice.auth).send({ name: 'Public', visibility: 'public' }).expect(201);
    const echo = [{ server_id: ids.stdio, tool: 'echo' }];
    await t.http().get(`/api/agents/${privateAgent.body.id}/tools`).set(bob.auth).expect(404);
    await t.http().put(`/api/agents/${privateAgent.body.id}/tools`).set(bob.auth).send({ tools: echo }).expect(404);
    await t.http().put(`/api/agents/${publicAgent.body.id}/tools`).set(bob.auth).send({ tools: echo }).expect(403);

    const bad = async (tools: object[]) => (await t.http().put(`/api/agents/${publicAgent.body.id}/tools`).set(alice.auth).send({ tools }).expect(400)).body.detail;
    expect(await bad([...echo, { server_id: ids.stdio, tool: 'no-such-tool' }])).toMatch(/^tools\[1\]: .*no tool "no-such-tool"/);
    expect(await bad([{ server_id: 999_999, tool: 'echo' }])).toMatch(/^tools\[0\]: there is no MCP server 999999/);
    expect(await bad([{ server_id: ids.http, tool: 'echo' }])).toMatch(/^tools\[0\]: only admins may grant/);
    expect(await bad([...echo, ...echo])).toMatch(/^tools\[1\] repeats tools\[0\]/);

    await t.http().put(`/api/agents/${publicAgent.body.id}/tools`).set(alice.auth).send({ tools: echo }).expect(200);
    const both = [...echo, { server_id: ids.http, tool: 'get-sum' }];
    await t.http().put(`/api/agents/${publicAgent.body.id}/tools`).set(admin.auth).send({ tools: both }).expect(200);
    // The owner keeps the admin's grant while changing the rest.
    await t.http().put(`/api/agents/${publicAgent.body.id}/tools`).set(alice.auth).send({ tools: both }).expect(200);
    const seen = await t.http().get(`/api/agents/${publicAgent.body.id}/tools`).set(bob.auth).expect(200);
    expect(seen.body.tools).toEqual([
      { server_id: ids.stdio, server: 'everything', tool: 'echo', description: expect.stringMatching(/.+/), available: true },
      { server_id: ids.http, server: 'everything-http', tool: 'get-sum', description: expect.stringMatching(/.+/), available: true },
    ]);
    const offered = await tools().forAgent(publicAgent.body.id);
    expect(offered.map((tool) => tool.modelName)).toEqual(['everything__echo', 'everything-http__get-sum']);
  });

  describe('McpTools.call', () => {
    let offered: Map<string, OfferedTool>;

    beforeAll(async () => {
      const agent = await t.http().post('/api/agents').set(admin.auth).send({ name: 'Caller' }).expect(201);
      const names = ['echo', 'get-sum', 'trigger-long-running-operation'];
      const grants = [...names.map((tool) => ({ server_id: ids.stdio, tool })), { server_id: ids.http, tool: 'get-sum' }];
      await t.http().put(`/api/agents/${agent.body.id}/tools`).set(admin.auth).send({ tools: grants }).expect(200);
      offered = new Map((await tools().forAgent(agent.body.id)).map((tool) => [tool.modelName, tool]));
    });
    const signal = () => new AbortController().signal;

    it('calls get-sum over stdio and over Streamable HTTP, and echo', async () => {
      expect(await tools().call(offered.get('everything__get-sum')!, { a: 2, b: 3 }, signal())).toEqual({ ok: true, content: expect.stringMatching(/\b5\b/), truncated: false });
      expect(await tools().call(offered.get('everything-http__get-sum')!, { a: 40, b: 2 }, signal())).toEqual({ ok: true, content: expect.stringMatching(/\b42\b/), truncated: false });
      expect(await tools().call(offered.get('everything__echo')!, { message: 'hello tools' }, signal())).toEqual({ ok: true, content: expect.stringContaining('hello tools'), truncated: false });
    });

    it('caps a long result at MCP_MAX_RESULT_BYTES', async () => {
      const outcome = await tools().call(offered.get('everything__echo')!, { message: 'x'.repeat(5000) }, signal());
      expect(outcome).toMatchObject({ ok: true, truncated: true });
      expect(outcome.ok && Buffer.byteLength(outcome.content)).toBe(2048);
    });

    it('refuses arguments the schema refuses before calling, in words the model can act on', async () => {
      expect(await tools().call(offered.get('everything__get-sum')!, { a: 'two', b: 3 }, signal())).toEqual({ ok: false, error: 'invalid arguments: /a must be number' });
    });

    it('gives up a call past MCP_TOOL_TIMEOUT_SECONDS without a progress report', async () => {
      // Two steps of 30 s: no progress report comes within the timeout (a report would restart it).
      const outcome = await tools().call(offered.get('everything__trigger-long-running-operation')!, { duration: 60, steps: 2 }, signal());
      expect(outcome).toEqual({ ok: false, error: `the tool did not answer within ${TOOL_TIMEOUT_SECONDS} s` });
    });

    it('on stop, returns "cancelled" and the server receives notifications/cancelled for the running call', async () => {
      const proxy = await startRecordingProxy(http.url);
      try {
        const server = await register({ name: 'recorded', transport: 'http', url: proxy.url }).expect(201);
        const agent = await t.http().post('/api/agents').set(admin.auth).send({ name: 'Stopped' }).expect(201);
        await t.http().put(`/api/agents/${agent.body.id}/tools`).set(admin.auth).send({ tools: [{ server_id: server.body.id, tool: 'trigger-long-running-operation' }] }).expect(200);
        const [long] = await tools().forAgent(agent.body.id);
        const controller = new AbortController();
        const started = nextPosted(proxy.posted, (message) => message.method === 'tools/call' && message.params?.name === 'trigger-long-running-operation');
        const outcome = tools().call(long, { duration: 60, steps: 60 }, controller.signal);
        const call = await started;
        const cancellation = nextPosted(proxy.posted, (message) => message.method === 'notifications/cancelled');
        controller.abort();
        expect(await outcome).toEqual({ ok: false, error: 'cancelled' });
        expect((await cancellation).params?.requestId).toBe(call.id);
        // The connection stays usable after the cancellation.
        expect(await tools().call(offered.get('everything__echo')!, { message: 'still here' }, signal())).toMatchObject({ ok: true });
        await t.http().delete(`/api/admin/mcp-servers/${server.body.id}`).set(admin.auth).expect(204);
      } finally {
        proxy.server.closeAllConnections();
        proxy.server.close();
      }
    });
  });

  it('applies a change at once (a disabled server offers no tool) and audits every change without its secrets', async () => {
    const agent = await t.http().post('/api/agents').set(admin.auth).send({ name: 'Changes' }).expect(201);
    await t.http().put(`/api/agents/${agent.body.id}/tools`).set(admin.auth).send({ tools: [{ server_id: ids.files, tool: 'list_directory' }] }).expect(200);
    expect(await tools().forAgent(agent.body.id)).toHaveLength(1);

    const disabled = await t.http().put(`/api/admin/mcp-servers/${ids.files}`).set(admin.auth).send({ enabled: false, env: { FILES_TOKEN: 'changed-secret-value' } }).expect(200);
    expect(disabled.body).toMatchObject({ enabled: false, env_names: ['FILES_TOKEN'], health: { state: 'disabled' } });
    expect(await tools().forAgent(agent.body.id)).toEqual([]);
    expect((await t.http().get(`/api/agents/${agent.body.id}/tools`).set(admin.auth).expect(200)).body.tools).toEqual([expect.objectContaining({ tool: 'list_directory', available: false })]);

    const enabled = await t.http().put(`/api/admin/mcp-servers/${ids.files}`).set(admin.auth).send({ enabled: true }).expect(200);
    expect(enabled.body.health.state).toBe('connected');
    expect(await tools().forAgent(agent.body.id)).toHaveLength(1);
    await t.http().put(`/api/admin/mcp-servers/${ids.files}`).set(admin.auth).send({ name: 'everything' }).expect(409);

    const records = await t.http().get('/api/admin/audit').set(admin.auth).query({ action: 'mcp_server.', target_type: 'mcp_server' }).expect(200);
    const actions = records.body.items.map((record: { action: string; target_id: string }) => `${record.action} ${record.target_id}`);
    expect(actions).toEqual(expect.arrayContaining([`mcp_server.create ${ids.http}`, `mcp_server.update ${ids.files}`, 'mcp_server.delete ' + records.body.items.find((record: { target_label: string }) => record.target_label === 'nowhere')?.target_id]));
    const text = JSON.stringify(records.body);
    for (const secret of ['changed-secret-value', 'header-secret-value', 'env-secret-value', 'unreachable-secret']) expect(text).not.toContain(secret);
  });

  it('disconnects a deleted server: its grants and tools are gone', async () => {
    const agent = await t.http().post('/api/agents').set(admin.auth).send({ name: 'Loses tools' }).expect(201);
    await t.http().put(`/api/agents/${agent.body.id}/tools`).set(admin.auth).send({ tools: [{ server_id: ids.http, tool: 'echo' }] }).expect(200);
    expect(await tools().forAgent(agent.body.id)).toHaveLength(1);
    await t.http().delete(`/api/admin/mcp-servers/${ids.http}`).set(admin.auth).expect(204);
    expect(await tools().forAgent(agent.body.id)).toEqual([]);
    expect((await t.http().get(`/api/agents/${agent.body.id}/tools`).set(admin.auth).expect(200)).body.tools).toEqual([]);
  });
});

describe('MCP servers: local commands off (MCP_ALLOW_STDIO unset)', () => {
  let t: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t);
  });
  afterAll(() => t.close());

  it('refuses a stdio server with 400 saying how to allow it', async () => {
    const refused = await t.http().post('/api/admin/mcp-servers').set(admin.auth).send({ name: 'local', transport: 'stdio', command: process.execPath, args: [EVERYTHING] }).expect(400);
    expect(refused.body.detail).toMatch(/MCP_ALLOW_STDIO=true/);
    expect((await t.http().get('/api/admin/mcp-servers').set(admin.auth).expect(200)).body).toEqual([]);
  });
});

// Two instances need a shared database server and Redis: runs where the suite does (CI).
const shared = process.env.TEST_DATABASE_URL && process.env.REDIS_URL;
const describeShared = shared ? describe : describe.skip;

describeShared('MCP tools across two instances sharing PostgreSQL and Redis', () => {
  let environment: TestEnvironment;
  let a: Omit<TestApp, 'close'>;
  let b: Omit<TestApp, 'close'>;
  let admin: SignedIn;

  beforeAll(async () => {
    environment = await testEnvironment({ MCP_ALLOW_STDIO: 'true' });
    a = await startApp(environment.env);
    b = await startApp(environment.env);
    admin = await signUp({ ...a, close: async () => undefined });
  });
  afterAll(async () => {
    await Promise.all(unsubscribes.map((unsubscribe) => unsubscribe()));
    await a.stop();
    await b.stop();
    await environment.dispose();
  });

  /** Once subscribed on B: resolves when B receives the next change of this kind (its own listeners, subscribed at boot, run first). */
  const unsubscribes: (() => Promise<void>)[] = [];
  async function nextOnB(name: 'mcp:grants' | 'mcp:servers'): Promise<{ arrival: Promise<void> }> {
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    unsubscribes.push(await b.app.get<RealtimeBus>(REALTIME_BUS).subscribe(topic<unknown>(name), () => arrived()));
    // Wrapped: an async function returning the promise itself would wait for it.
    return { arrival };
  }

  it("clears B's cached grants when A changes them, and drops a server A deleted", async () => {
    const server = await a.http().post('/api/admin/mcp-servers').set(admin.auth).send({ name: 'everything', transport: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'] }).expect(201);
    const agent = await a.http().post('/api/agents').set(admin.auth).send({ name: 'Clustered' }).expect(201);
    const onB = b.app.get(McpTools);
    // Cached on B: no tools yet.
    expect(await onB.forAgent(agent.body.id)).toEqual([]);

    const granted = await nextOnB('mcp:grants');
    await a.http().put(`/api/agents/${agent.body.id}/tools`).set(admin.auth).send({ tools: [{ server_id: server.body.id, tool: 'echo' }] }).expect(200);
    await granted.arrival;
    const offered = await onB.forAgent(agent.body.id);
    expect(offered.map((tool) => tool.modelName)).toEqual(['everything__echo']);
    expect(await onB.call(offered[0], { message: 'from B' }, new AbortController().signal)).toMatchObject({ ok: true, content: 'Echo: from B' });

    const deleted = await nextOnB('mcp:servers');
    await a.http().delete(`/api/admin/mcp-servers/${server.body.id}`).set(admin.auth).expect(204);
    await deleted.arrival;
    expect(await onB.forAgent(agent.body.id)).toEqual([]);
  });
});
