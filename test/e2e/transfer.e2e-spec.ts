import * as http from 'node:http';
import { DataSource } from 'typeorm';
import { ChatTransferRepository, ConversationTreeRepository } from '#database';
import { validateSchema, type Spec } from '../support/json-schema';
import { signUp, SignedIn } from '../support/auth';
import { startTestApp, TestApp } from '../support/test-app';

/** A node of ChatGPT's conversations.json mapping (the public export format). */
interface GptNode {
  id: string;
  message: null | {
    id: string;
    author: { role: string };
    content: { content_type: string; parts?: unknown[]; text?: string };
    create_time: number | null;
    recipient?: string;
    metadata?: Record<string, unknown>;
  };
  parent: string | null;
  children: string[];
}

/** Builds a mapping from [id, parent, role, text, extra] rows, filling in children. */
function mapping(rows: [string, string | null, string | null, string, Partial<NonNullable<GptNode['message']>>?][]): Record<string, GptNode> {
  const nodes: Record<string, GptNode> = {};
  rows.forEach(([id, parent, role, text, extra], i) => {
    nodes[id] = {
      id,
      parent,
      children: [],
      message: role === null ? null : { id, author: { role }, content: { content_type: 'text', parts: [text] }, create_time: 1_700_000_000 + i, recipient: 'all', ...extra },
    };
  });
  for (const node of Object.values(nodes)) if (node.parent) nodes[node.parent].children.push(node.id);
  return nodes;
}

/** ChatGPT's export: an edited question (two branches), a system prompt, a tool round trip, an image part, a regenerated answer. */
function chatGptFile() {
  return [
    {
      title: 'Bread',
      create_time: 1_700_000_000.5,
      update_time: 1_700_000_900.25,
      current_node: 'a2b',
      mapping: mapping([
        ['root', null, null, ''],
        ['sys', 'root', 'system', 'You are ChatGPT.', { metadata: { is_visually_hidden_from_conversation: true } }],
        ['u1', 'sys', 'user', 'How do I bake bread?'],
        ['a1', 'u1', 'assistant', 'Flour, water, salt, yeast.', { metadata: { model_slug: 'gpt-4o' } }],
        ['u2', 'a1', 'user', 'And sourdough?'],
        ['a2', 'u2', 'assistant', 'Use a starter.'],
        // The question edited: a second branch from a1.
        ['u2b', 'a1', 'user', 'And rye bread?'],
        ['a2pre', 'u2b', 'assistant', 'Let me look that up.'],
        ['call', 'a2pre', 'assistant', '', { recipient: 'browser', content: { content_type: 'code', text: 'search("rye")' } }],
        ['tool', 'call', 'tool', 'Rye: long proof, 70% hydration.'],
        ['a2b', 'tool', 'assistant', 'Rye needs a longer proof.'],
      ]),
    },
    {
      title: null,
      create_time: 1_700_001_000,
      update_time: null,
      current_node: 'a1',
      mapping: mapping([
        ['r', null, null, ''],
        ['u1', 'r', 'user', '', { content: { content_type: 'multimodal_text', parts: [{ content_type: 'image_asset_pointer', asset_pointer: 'file-service://x' }, 'What is in this photo?'] } }],
        ['a1', 'u1', 'assistant', 'A cat.'],
        // Regenerated: the newer answer is not the one shown.
        ['a1b', 'u1', 'assistant', 'A small cat on a sofa.'],
        ['empty', 'a1b', 'user', '   '],
      ]),
    },
  ];
}

describe('Export and import of chats', () => {
  let t: TestApp;
  let db: DataSource;
  let alice: SignedIn;
  let bob: SignedIn;
  let publicAgent: number;
  let alicePrivateAgent: number;

  beforeAll(async () => {
    t = await startTestApp({ MAX_UPLOAD_MB: '2', MESSAGE_MAX_CHARS: '5000' });
    db = t.app.get(DataSource);
    const admin = await signUp(t);
    alice = await signUp(t);
    bob = await signUp(t);
    publicAgent = (await t.http().post('/api/agents').set(admin.auth).send({ name: 'Helpdesk', is_public: true }).expect(201)).body.id;
    alicePrivateAgent = (await t.http().post('/api/agents').set(alice.auth).send({ name: 'Baker' }).expect(201)).body.id;
  });
  afterAll(() => t.close());

  const importFile = (user: SignedIn, file: unknown, agentId?: number) => {
    const request = t.http().post('/api/chats/import').set(user.auth);
    if (agentId !== undefined) request.field('agent_id', String(agentId));
    return request.attach('file', Buffer.from(typeof file === 'string' ? file : JSON.stringify(file)), 'conversations.json');
  };
  const activePath = async (chatId: number) => {
    const [chat] = await db.query('SELECT active_leaf_id FROM chats WHERE id = $1', [chatId]);
    if (chat.active_leaf_id === null) return [];
    return (await t.app.get(ConversationTreeRepository).pathTo(chat.active_leaf_id)).map((m) => `${m.role}: ${m.content}`);
  };
  const chatCount = async () => Number((await db.query('SELECT count(*) AS n FROM chats'))[0].n);
  const messageCount = async () => Number((await db.query('SELECT count(*) AS n FROM messages'))[0].n);

  /** Shape of a chat's tree as "role: content <- parent content", independent of ids. */
  const treeOf = async (chatId: number) => {
    const rows: { id: number; parent_id: number | null; role: string; content: string }[] = await db.query(
      'SELECT id, parent_id, role, content FROM messages WHERE chat_id = $1 ORDER BY id',
      [chatId],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return rows.map((row) => `${row.role}: ${row.content} <- ${row.parent_id === null ? '(root)' : byId.get(row.parent_id)!.content}`).sort();
  };

  /** Alice's chat with an edited second question and a regenerated answer; the active branch is the older one. */
  async function branchedChat(): Promise<number> {
    const chat = (await t.http().post('/api/chats').set(alice.auth).send({ agent_id: alicePrivateAgent, title: 'Pain & levain' }).expect(201)).body.id;
    await db.query(`UPDATE chats SET pinned = true, tags = '{baking,home}', temperature = 0.3 WHERE id = $1`, [chat]);
    // A stored attachment (its metadata is what an export carries); extraction plays no part.
    const [{ id: documentId }] = await db.query(
      `INSERT INTO documents (filename, file_path, file_size, mime_type, entity_type, entity_id, uploader_id, status)
       VALUES ('recette.txt', 'unused', 26, 'text/plain', 'chat', $1, $2, 'ready') RETURNING id`,
      [chat, alice.id],
    );
    let at = 0;
    const insert = async (parent: number | null, role: string, content: string, extra: Record<string, unknown> = {}) => {
      at += 1;
      const [row] = await db.query(
        `INSERT INTO messages (chat_id, parent_id, role, content, created_at, llm_model, citations, document_ids)
         VALUES ($1, $2, $3, $4, now() - make_interval(secs => $5), $6, $7::jsonb, $8) RETURNING id`,
        [chat, parent, role, content, 100 - at, extra.llm_model ?? null, extra.citations ? JSON.stringify(extra.citations) : null, extra.document_ids ?? null],
      );
      return row.id as number;
    };
    const q1 = await insert(null, 'user', 'Quelle farine pour le pain ?', { document_ids: [documentId] });
    const a1 = await insert(q1, 'assistant', 'Du seigle [1].', {
      llm_model: 'mistral-small-latest',
      citations: [{ index: 1, document_id: documentId, filename: 'recette.txt', page: 1, chunk_id: 1, score: 0.9, snippet: 'Recette du pain de seigle.' }],
    });
    const q2 = await insert(a1, 'user', 'Combien de temps de pousse ?');
    const a2 = await insert(q2, 'assistant', 'Trois heures.');
    const q2b = await insert(a1, 'user', 'Et pour une baguette ?');
    await insert(q2b, 'assistant', 'Une nuit au frais.');
    await insert(q2b, 'assistant', 'Douze heures au froid.');
    await db.query('UPDATE chats SET active_leaf_id = $2 WHERE id = $1', [chat, a2]);
    return chat;
  }

  it('imports ChatGPT conversations.json: branches kept, hidden and tool nodes dropped, active paths from current_node', async () => {
    const before = await chatCount();
    await importFile(alice, chatGptFile()).expect(422);
    const response = await importFile(alice, chatGptFile(), publicAgent).expect(201);
    expect(response.body).toEqual({ imported: 2, chat_ids: [expect.any(Number), expect.any(Number)] });
    expect(await chatCount()).toBe(before + 2);
    const [bread, photo] = response.body.chat_ids as number[];

    expect(await activePath(bread)).toEqual([
      'user: How do I bake bread?',
      'assistant: Flour, water, salt, yeast.',
      'user: And rye bread?',
      'assistant: Let me look that up.\n\nRye needs a longer proof.',
    ]);
    expect(await treeOf(bread)).toEqual(
      [
        'user: How do I bake bread? <- (root)',
        'assistant: Flour, water, salt, yeast. <- How do I bake bread?',
        'user: And sourdough? <- Flour, water, salt, yeast.',
        'assistant: Use a starter. <- And sourdough?',
        'user: And rye bread? <- Flour, water, salt, yeast.',
        'assistant: Let me look that up.\n\nRye needs a longer proof. <- And rye bread?',
      ].sort(),
    );
    expect(await activePath(photo)).toEqual(['user: What is in this photo?', 'assistant: A cat.']);
    expect(await treeOf(photo)).toContain('assistant: A small cat on a sofa. <- What is in this photo?');

    const chats = await db.query('SELECT id, title, user_id, agent_id, created_at, updated_at FROM chats WHERE id = ANY($1) ORDER BY id', [[bread, photo]]);
    expect(chats.map((c: { title: string }) => c.title)).toEqual(['Bread', 'Imported chat']);
    expect(chats.every((c: { user_id: number; agent_id: number }) => c.user_id === alice.id && c.agent_id === publicAgent)).toBe(true);
    expect(new Date(chats[0].created_at).getTime()).toBe(1_700_000_000_500);
    const [model] = await db.query(`SELECT llm_model FROM messages WHERE chat_id = $1 AND content LIKE 'Flour%'`, [bread]);
    expect(model.llm_model).toBe('gpt-4o');

    // Imported messages are indexed for search: accents and case aside.
    const [found] = await db.query(`SELECT count(*) AS n FROM messages WHERE chat_id = $1 AND tsv @@ to_tsquery('english', 'rye')`, [bread]);
    expect(Number(found.n)).toBe(2);
    const shown = await t.http().get(`/api/chats/${bread}`).set(alice.auth).expect(200);
    expect(shown.body.title).toBe('Bread');
  });

  it('round-trips a branched chat through its JSON export: tree, contents, options and active path', async () => {
    const chat = await branchedChat();
    const exported = await t.http().get(`/api/chats/${chat}/export`).set(alice.auth).expect(200);
    expect(exported.headers['content-type']).toMatch(/^application\/json/);
    expect(exported.headers['content-disposition']).toBe(`attachment; filename="foyergpt-chat-${chat}-pain-levain.json"`);
    expect(exported.body).toMatchObject({
      format: 'foyergpt.chat',
      version: 1,
      chat: { title: 'Pain & levain', agent: { id: alicePrivateAgent, name: 'Baker' }, pinned: true, tags: ['baking', 'home'], temperature: 0.3, archived_at: null },
    });
    expect(exported.body.messages).toHaveLength(7);
    const question = exported.body.messages.find((m: { content: string }) => m.content.startsWith('Quelle farine'));
    expect(question.attachments).toEqual([{ document_id: expect.any(Number), filename: 'recette.txt', mime_type: 'text/plain', size: 26 }]);
    // The export is what the OpenAPI document says it is.
    const spec = (await t.http().get('/api/docs-json').expect(200)).body as Spec;
    expect(validateSchema(exported.body, { $ref: '#/components/schemas/ChatExport' }, '$', spec)).toEqual([]);

    const imported = await importFile(alice, exported.body).expect(201);
    const copy = imported.body.chat_ids[0];
    expect(copy).not.toBe(chat);
    expect(await treeOf(copy)).toEqual(await treeOf(chat));
    expect(await activePath(copy)).toEqual(await activePath(chat));
    expect(await activePath(copy)).toEqual([
      'user: Quelle farine pour le pain ?',
      'assistant: Du seigle [1].',
      'user: Combien de temps de pousse ?',
      'assistant: Trois heures.',
    ]);
    const again = await t.http().get(`/api/chats/${copy}/export`).set(alice.auth).expect(200);
    const strip = (body: { chat: object; messages: { id: number; parent_id: number | null; attachments: unknown }[] }) => ({
      chat: { ...body.chat, active_leaf: undefined },
      messages: body.messages.map(({ id: _id, parent_id: _parent, attachments: _attachments, ...rest }) => rest),
    });
    expect(strip(again.body)).toEqual(strip(exported.body));
    // The copy's questions point at no document: files are not in the export.
    expect(Number((await db.query('SELECT count(*) AS n FROM messages WHERE chat_id = $1 AND document_ids IS NOT NULL', [copy]))[0].n)).toBe(0);

    // Bob imports Alice's file: Alice's private agent is not his to use.
    const refused = await importFile(bob, exported.body).expect(422);
    expect(refused.body.detail[0].msg).toBe(`chat.agent: agent ${alicePrivateAgent} is not available here: give agent_id`);
    await importFile(bob, exported.body, alicePrivateAgent).expect(404);
    const bobs = (await importFile(bob, exported.body, publicAgent).expect(201)).body.chat_ids[0];
    const [owned] = await db.query('SELECT user_id, agent_id FROM chats WHERE id = $1', [bobs]);
    expect(owned).toEqual({ user_id: bob.id, agent_id: publicAgent });
  });

  it('exports Markdown of the active path only, as an attachment', async () => {
    const chat = await branchedChat();
    const response = await t.http().get(`/api/chats/${chat}/export?format=markdown`).set(alice.auth).buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => done(null, text));
    }).expect(200);
    expect(response.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="foyergpt-chat-${chat}-pain-levain.md"`);
    const markdown = response.body as string;
    expect(markdown).toMatch(/^# Pain & levain\n/);
    expect(markdown).toContain('- Agent: Baker');
    expect(markdown).toContain('**You**');
    expect(markdown).toContain('**Assistant** · mistral-small-latest');
    expect(markdown).toContain('Du seigle [^1].');
    expect(markdown).toContain('[^1]: recette.txt, p. 1: “Recette du pain de seigle.”');
    expect(markdown).toContain('_Attached: recette.txt_');
    expect(markdown).toContain('Trois heures.');
    expect(markdown).not.toContain('baguette');
    expect(markdown).not.toContain('Douze heures');
  });

  it("keeps chats private: another user's chat is 404, a bad format 422", async () => {
    const chat = await branchedChat();
    await t.http().get(`/api/chats/${chat}/export`).set(bob.auth).expect(404);
    await t.http().get(`/api/chats/${chat}/export?format=markdown`).set(bob.auth).expect(404);
    await t.http().get('/api/chats/999999/export').set(alice.auth).expect(404);
    await t.http().get(`/api/chats/${chat}/export?format=xml`).set(alice.auth).expect(422);
    await t.http().get(`/api/chats/${chat}/export`).expect(401);
    const all = await t.http().get('/api/chats/export').set(bob.auth).expect(200);
    // Bob's export holds his chats only (his copy of Alice's file included), never hers.
    const archive = JSON.parse(all.text) as { chats: { messages: { id: number }[] }[] };
    const [{ n: bobsChats }] = await db.query('SELECT count(*)::int AS n FROM chats WHERE user_id = $1', [bob.id]);
    expect(archive.chats).toHaveLength(bobsChats);
    const owners = await db.query(
      'SELECT DISTINCT c.user_id FROM messages m JOIN chats c ON c.id = m.chat_id WHERE m.id = ANY($1::int[])',
      [archive.chats.flatMap((c) => c.messages.map((m) => m.id))],
    );
    expect(owners).toEqual(bobsChats ? [{ user_id: bob.id }] : []);
  });

  describe('refuses hostile or malformed files whole: 422 with the first error, nothing imported', () => {
    const good = chatGptFile()[0];
    const deep = () => {
      const rows: [string, string | null, string, string][] = [['n0', null, 'user', 'q']];
      for (let i = 1; i <= 10_001; i++) rows.push([`n${i}`, `n${i - 1}`, i % 2 ? 'assistant' : 'user', `m${i}`]);
      return [{ title: 'Deep', create_time: 1, mapping: mapping(rows), current_node: 'n10001' }];
    };
    const cases: [string, () => unknown, string][] = [
      ['an unknown parent', () => [good, { ...good, mapping: { ...mapping([['abc', null, 'user', 'hi']]), abc: { id: 'abc', message: null, parent: 'zz', children: [] } } }], 'conversations[1].mapping["abc"].parent: unknown node "zz"'],
      ['a cycle', () => [{ ...good, mapping: { a: { id: 'a', message: null, parent: 'b', children: ['b'] }, b: { id: 'b', message: null, parent: 'a', children: ['a'] } } }], 'conversations[0].mapping["a"].parent: is its own ancestor (cycle)'],
      ['an absurd depth', deep, 'conversations[0].mapping["n10000"].parent: branch deeper than 10000 messages'],
      ['an unknown current node', () => [{ ...good, current_node: 'nope' }], 'conversations[0].current_node: unknown node "nope"'],
      ['a message over MESSAGE_MAX_CHARS', () => [{ ...good, mapping: mapping([['u', null, 'user', 'x'.repeat(5001)]]) }], 'conversations[0].mapping["u"].message.content.parts: too long (5001 characters, at most 5000)'],
      ['too many conversations', () => Array.from({ length: 10_001 }, () => ({ mapping: {} })), 'conversations: too many items (10001, at most 10000)'],
      ['parts that are not a list', () => [{ ...good, mapping: { u: { id: 'u', parent: null, children: [], message: { author: { role: 'user' }, content: { content_type: 'text', parts: 'hi' } } } } }], 'conversations[0].mapping["u"].message.content.parts: must be an array'],
      ['a prototype key', () => [{ ...good, current_node: null, mapping: JSON.parse('{"__proto__": {"id": "x", "message": null, "parent": "constructor", "children": []}}') }], 'conversations[0].mapping["__proto__"].parent: unknown node "constructor"'],
      ['not JSON', () => '{"format": "foyergpt.chat", ', 'file: not valid JSON'],
      ['an unknown format', () => ({ hello: 'world' }), 'file: neither a FoyerGPT export nor a ChatGPT conversations.json'],
      ['a newer version', () => ({ format: 'foyergpt.chats', version: 2, chats: [] }), 'version: unsupported version 2 (this server reads 1)'],
      [
        'our format with a dangling parent',
        () => ({ format: 'foyergpt.chats', version: 1, chats: [{ chat: { title: 'A', created_at: '2026-01-01T00:00:00Z', agent: null }, messages: [] }, { chat: { title: 'B', created_at: '2026-01-01T00:00:00Z', agent: null }, messages: [{ id: 1, parent_id: 7, role: 'user', content: 'hi' }] }] }),
        'chats[1].messages[0].parent_id: unknown message 7',
      ],
      [
        'our format with a bad role',
        () => ({ format: 'foyergpt.chat', version: 1, chat: { title: 'A', created_at: '2026-01-01T00:00:00Z', agent: null }, messages: [{ id: 1, parent_id: null, role: 'root', content: 'hi' }] }),
        'messages[0].role: must be one of user, assistant, system',
      ],
    ];
    it.each(cases)('%s', async (_name, file, message) => {
      const chats = await chatCount();
      const messages = await messageCount();
      const response = await importFile(alice, file(), publicAgent).expect(422);
      expect(response.body.detail).toHaveLength(1);
      expect(response.body.detail[0].loc).toEqual(['body', 'file']);
      expect(response.body.detail[0].msg.startsWith(message)).toBe(true);
      expect(await chatCount()).toBe(chats);
      expect(await messageCount()).toBe(messages);
    });

    it('refuses a file over MAX_UPLOAD_MB (413) and a missing file (422)', async () => {
      await importFile(alice, 'x'.repeat(2 * 1024 * 1024 + 1), publicAgent).expect(413);
      await t.http().post('/api/chats/import').set(alice.auth).field('agent_id', String(publicAgent)).expect(422);
      await importFile(alice, chatGptFile(), 0).expect(422);
    });
  });

  it('streams the export of all 10,000 chats: bytes arrive before the last chats are read, and it completes', async () => {
    const user = await signUp(t);
    await db.query(`INSERT INTO chats (title, user_id, agent_id) SELECT 'Chat ' || g, $1, $2 FROM generate_series(1, 10000) g`, [user.id, publicAgent]);
    await db.query(
      `INSERT INTO messages (chat_id, role, content) SELECT id, 'user', 'Question of ' || title FROM chats WHERE user_id = $1`,
      [user.id],
    );
    await db.query(
      `INSERT INTO messages (chat_id, parent_id, role, content, llm_model)
       SELECT chat_id, id, 'assistant', 'Answer ' || id, 'mistral-small-latest' FROM messages WHERE chat_id IN (SELECT id FROM chats WHERE user_id = $1)`,
      [user.id],
    );
    await db.query(
      `UPDATE chats c SET active_leaf_id = m.id FROM messages m WHERE m.chat_id = c.id AND m.role = 'assistant' AND c.user_id = $1`,
      [user.id],
    );

    // The client's byte count each time the export reads a batch of chats.
    let received = 0;
    const seenAtReads: number[] = [];
    const repository = t.app.get(ChatTransferRepository);
    const chatsAfter = repository.chatsAfter.bind(repository);
    repository.chatsAfter = (...args) => {
      seenAtReads.push(received);
      return chatsAfter(...args);
    };

    const body = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      http.get(`${t.url}/api/chats/export`, { headers: user.auth }, (response) => {
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-disposition']).toBe('attachment; filename="foyergpt-chats.json"');
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          chunks.push(chunk);
        });
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        response.on('error', reject);
      }).on('error', reject);
    });
    repository.chatsAfter = chatsAfter;

    const archive = JSON.parse(body);
    expect(archive).toMatchObject({ format: 'foyergpt.chats', version: 1 });
    expect(archive.chats).toHaveLength(10_000);
    expect(archive.chats[9_999].messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(archive.chats[0].chat.active_leaf).toBe(archive.chats[0].messages[1].id);
    // 10,000 chats in batches of 100, plus the empty read that ends it.
    expect(seenAtReads).toHaveLength(101);
    expect(seenAtReads[0]).toBe(0);
    // Streamed: the client held part of the archive before the export read its last chats.
    expect(seenAtReads[100]).toBeGreaterThan(0);
    expect(seenAtReads[100]).toBeLessThan(body.length);
    expect(body.length).toBeGreaterThan(3_000_000);

    const markdown = await t.http().get('/api/chats/export?format=markdown').set(user.auth).expect(200);
    expect(markdown.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(markdown.text.match(/^## Chat \d+$/gm)).toHaveLength(10_000);
  }, 240_000);
});
