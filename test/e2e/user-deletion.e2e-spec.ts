import { readdir } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { signUp, SignedIn } from '../support/auth';
import { ChatApp, startChatApp, waitFor } from '../support/chat-app';
import { uploadText } from '../support/documents';

/** Every file under a directory, by name (the store is flat, but a nested file would count too). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

const ADMIN = { email: 'root@example.org', password: 'bootstrap password' };

describe('Deleting a user', () => {
  let c: ChatApp;
  let db: DataSource;
  let admin: SignedIn;
  let leaving: SignedIn & { email: string };
  let other: SignedIn;
  let agentId: number;
  let otherChatId: number;
  let leavingDocuments: number[];
  let otherDocument: number;

  const count = async (sql: string, params: unknown[]) => Number((await db.query(sql, params))[0].n);
  const storedNames = async (ids: number[]) =>
    ((await db.query('SELECT file_path FROM documents WHERE id = ANY($1)', [ids])) as { file_path: string }[]).map((row) => row.file_path);
  const catalogue = async () => ((await c.t.http().get('/api/agents').set(other.auth).expect(200)).body.items as { id: number }[]).map((agent) => agent.id);

  beforeAll(async () => {
    c = await startChatApp({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_TRIGRAMME: 'ROO',
      ADMIN_PASSWORD: ADMIN.password,
      EMBEDDING_PROVIDER: 'mistral',
      MAX_CONCURRENT_GENERATIONS: '20',
    });
    db = c.t.app.get(DataSource);
    // The memory extraction prompt gets a fact to learn; answers get a plain reply.
    c.sim.reply = (request) => (JSON.stringify(request.messages).includes('long-term memory') ? '["Works on the 2027 budget."]' : 'Noted.');
    const login = await c.t.http().post('/api/auth/login').send(ADMIN).expect(200);
    admin = { id: login.body.user.id, token: login.body.access_token, auth: { Authorization: `Bearer ${login.body.access_token}` } };
    leaving = { ...(await signUp(c.t, { email: 'leaving@example.org' })), email: 'leaving@example.org' };
    other = await signUp(c.t);

    // Their public agent, with knowledge (one document theirs, one an admin added), and a chat of theirs with a document.
    agentId = (
      await c.t.http().post('/api/agents').set(leaving.auth).send({ name: 'Finance', is_public: true, learn_from_interaction: true }).expect(201)
    ).body.id;
    const leavingChat = (await c.t.http().post('/api/chats').set(leaving.auth).send({ agent_id: agentId, title: 'Budget' }).expect(201)).body.id;
    leavingDocuments = [
      await uploadText(c.t, leaving, 'agent', agentId, 'Budget policy\n\nEvery team plans its budget in October.', 'policy.txt'),
      await uploadText(c.t, admin, 'agent', agentId, 'Travel policy\n\nTrains under four hours, planes beyond.', 'travel.txt'),
      await uploadText(c.t, leaving, 'chat', leavingChat, 'Draft\n\nThe 2027 budget grows by three percent.', 'draft.txt'),
    ];
    await c.t.http().post('/api/messages').set(leaving.auth).send({ chat_id: leavingChat, content: 'I work on the 2027 budget.', stream: false }).expect(201);
    await waitFor(
      () => count('SELECT count(*) AS n FROM memories WHERE user_id = $1 AND embedding_model IS NOT NULL', [leaving.id]),
      (n) => n > 0,
    );

    // Another user's chat on that agent, with a document of their own.
    otherChatId = (await c.t.http().post('/api/chats').set(other.auth).send({ agent_id: agentId, title: 'Mine' }).expect(201)).body.id;
    await c.t.http().post('/api/messages').set(other.auth).send({ chat_id: otherChatId, content: 'When do we plan budgets?', stream: false }).expect(201);
    otherDocument = await uploadText(c.t, other, 'chat', otherChatId, 'Notes\n\nAsk finance in September.', 'notes.txt');
    await waitFor(
      () => count('SELECT count(*) AS n FROM document_chunks WHERE document_id = ANY($1) AND embedding_model IS NULL', [[...leavingDocuments, otherDocument]]),
      (n) => n === 0,
    );
  });
  afterAll(() => c?.close());

  it('removes their files, documents, extracted text, vectors, memories and sessions; keeps the ledger id and only ids in the audit log', async () => {
    const chunkIds = ((await db.query('SELECT id FROM document_chunks WHERE document_id = ANY($1)', [leavingDocuments])) as { id: number }[]).map((row) => row.id);
    expect(chunkIds.length).toBeGreaterThanOrEqual(3);
    const vectorTable = Boolean((await db.query(`SELECT to_regclass('chunk_vectors') IS NOT NULL AS present`))[0].present);
    if (vectorTable) expect(await count('SELECT count(*) AS n FROM chunk_vectors WHERE chunk_id = ANY($1)', [chunkIds])).toBe(chunkIds.length);
    const theirFiles = await storedNames(leavingDocuments);
    const [otherFile] = await storedNames([otherDocument]);
    expect(await filesUnder(c.t.config.uploadDir)).toEqual(expect.arrayContaining([...theirFiles, otherFile]));

    // What the ledger and the audit log hold about them, whatever else recorded it.
    await db.query(
      `INSERT INTO usage_records (user_id, purpose, provider, model, prompt_tokens, completion_tokens, estimated, latency_ms, outcome)
       VALUES ($1, 'answer', 'sim', 'sim-chat', 10, 5, false, 1, 'complete')`,
      [leaving.id],
    );
    await db.query(
      `INSERT INTO audit_events (actor_id, actor_label, action, outcome, target_type, target_id, target_label, details) VALUES
       ($1, $2, 'auth.login', 'success', NULL, NULL, NULL, NULL),
       (NULL, NULL, 'auth.login', 'failure', NULL, NULL, NULL, jsonb_build_object('email', $2::text, 'reason', 'wrong password')),
       ($3, 'root@example.org', 'user.update', 'success', 'user', $1::text, $2, jsonb_build_object('changed', jsonb_build_array('email'), 'note', 'was ' || $2, 'previous', jsonb_build_array($2)))`,
      [leaving.id, leaving.email, admin.id],
    );
    const ledgerRows = await count('SELECT count(*) AS n FROM usage_records WHERE user_id = $1', [leaving.id]);
    const auditRows = await count('SELECT count(*) AS n FROM audit_events WHERE actor_id = $1 OR (target_type = $2 AND target_id = $3)', [leaving.id, 'user', String(leaving.id)]);
    await c.t.http().get('/api/auth/me').set(leaving.auth).expect(200); // their session is now cached
    expect(await catalogue()).toContain(agentId); // and so is the catalogue

    await c.t.http().delete(`/api/admin/users/${leaving.id}`).set(admin.auth).expect(204);

    const left = await filesUnder(c.t.config.uploadDir);
    expect(left.filter((name) => theirFiles.includes(name))).toEqual([]);
    expect(left).toContain(otherFile);
    expect(await count('SELECT count(*) AS n FROM documents WHERE id = ANY($1)', [leavingDocuments])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM document_pages WHERE document_id = ANY($1)', [leavingDocuments])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM document_chunks WHERE id = ANY($1)', [chunkIds])).toBe(0);
    if (vectorTable) expect(await count('SELECT count(*) AS n FROM chunk_vectors WHERE chunk_id = ANY($1)', [chunkIds])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM memories WHERE user_id = $1 OR agent_id = $2', [leaving.id, agentId])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM sessions WHERE user_id = $1', [leaving.id])).toBe(0);
    await c.t.http().get('/api/auth/me').set(leaving.auth).expect(401);

    expect(await count('SELECT count(*) AS n FROM usage_records WHERE user_id = $1', [leaving.id])).toBe(ledgerRows);
    expect(await count('SELECT count(*) AS n FROM audit_events WHERE actor_id = $1 OR (target_type = $2 AND target_id = $3)', [leaving.id, 'user', String(leaving.id)])).toBe(
      auditRows + 1,
    );
    expect(await count('SELECT count(*) AS n FROM audit_events WHERE strpos(lower(concat(actor_label, target_label, details::text)), $1) > 0', [leaving.email])).toBe(0);
    const [deletion] = await db.query(`SELECT actor_id, actor_label, target_id, target_label, details FROM audit_events WHERE action = 'user.delete'`);
    expect(deletion).toEqual({ actor_id: admin.id, actor_label: ADMIN.email, target_id: String(leaving.id), target_label: null, details: { documents: 3 } });
    const [failedLogin] = await db.query(`SELECT details FROM audit_events WHERE action = 'auth.login' AND outcome = 'failure' AND details->>'reason' IS NOT NULL`);
    expect(failedLogin.details).toEqual({ email: null, reason: 'wrong password' });
  });

  it('drops their agent from the catalogue at once; others\' chats on it keep their history, read-only', async () => {
    expect(await catalogue()).not.toContain(agentId);
    const history = await c.t.http().get(`/api/chats/${otherChatId}`).set(other.auth).expect(200);
    expect(history.body).toMatchObject({ id: otherChatId, agent_id: null });
    expect(history.body.messages.map((message: { content: string }) => message.content)).toEqual(expect.arrayContaining(['When do we plan budgets?', 'Noted.']));
    const send = await c.t.http().post('/api/messages').set(other.auth).send({ chat_id: otherChatId, content: 'Still there?', stream: false }).expect(409);
    expect(send.body.detail).toMatch(/read-only/);
    await c.t.http().get(`/api/documents/${otherDocument}`).set(other.auth).expect(200);
  });

  it('lets an admin delete their own account (another admin remaining), leaving no email of theirs in the log', async () => {
    const email = 'second-admin@example.org';
    const second = await signUp(c.t, { email });
    await c.t.http().patch(`/api/admin/users/${second.id}`).set(admin.auth).send({ is_admin: true }).expect(200);
    await c.t.http().delete(`/api/admin/users/${second.id}`).set(second.auth).expect(204);
    await c.t.http().get('/api/auth/me').set(second.auth).expect(401);
    const [deletion] = await db.query(`SELECT actor_id, actor_label, target_label FROM audit_events WHERE action = 'user.delete' AND target_id = $1`, [String(second.id)]);
    expect(deletion).toEqual({ actor_id: second.id, actor_label: null, target_label: null });
    expect(await count('SELECT count(*) AS n FROM audit_events WHERE strpos(lower(concat(actor_label, target_label, details::text)), $1) > 0', [email])).toBe(0);
  });

  it('answers 404 for a user already deleted', async () => {
    await c.t.http().delete(`/api/admin/users/${leaving.id}`).set(admin.auth).expect(404);
  });
});
