import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { Document, Message } from '#database';
import { signUp, SignedIn } from '../support/auth';
import { ChatApp, startChatApp, userWithChat, waitFor } from '../support/chat-app';
import type { ChatCompletionRequest } from '../support/llm-simulator/llm-simulator';
import { connectSocket, once, requestOk } from '../support/socket-client';

// A 1x1 PNG: the vision path passes the bytes through.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

interface Listed {
  id: number;
  role: string;
  content: string;
  parent_id: number | null;
  sibling_index: number;
  sibling_count: number;
  sibling_ids: number[];
  document_ids: number[] | null;
}

describe('Message tree: edit, branch switch, regenerate, fork', () => {
  let c: ChatApp;
  let db: DataSource;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    c = await startChatApp({ MAX_CONCURRENT_GENERATIONS: '20' });
    db = c.t.app.get(DataSource);
  });
  afterEach(() => {
    c.sim.reset();
    sockets.splice(0).forEach((socket) => socket.close());
  });
  afterAll(() => c.close());

  const http = () => c.t.http();
  const send = (user: SignedIn, chatId: number, content: string, documentIds?: number[]) =>
    http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content, stream: false, document_ids: documentIds }).expect(201);
  const listed = async (user: SignedIn, chatId: number): Promise<Listed[]> =>
    (await http().get(`/api/messages/chat/${chatId}`).set(user.auth).expect(200)).body.items;
  const texts = (messages: { content: string }[]) => messages.map((message) => message.content);
  const ended = (id: number) => waitFor(() => db.getRepository(Message).findOneByOrFail({ id }), (m) => m.status !== 'streaming');

  /** The last prompt the model was sent, as `role: text` lines (system prompt first). */
  const lastPrompt = () => {
    const body = c.sim.chatRequests().at(-1)!.body as ChatCompletionRequest;
    return body.messages.map((message) => {
      const content = message.content as string | { type: string; text?: string }[];
      return `${message.role}: ${typeof content === 'string' ? content : content.find((part) => part.type === 'text')!.text}`;
    });
  };
  const promptOf = (...path: { role: string; content: string }[]) => ['system: You are terse.', ...path.map((m) => `${m.role}: ${m.content}`)];

  it('edits a question into a new branch, switches between branches, and prompts only the active path', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Branches');
    const { socket } = await connectSocket(c.t.url, { auth: { token: user.token } });
    sockets.push(socket);
    await requestOk(socket, 'join_chat', { chat_id: chatId });

    const first = (await send(user, chatId, 'q1')).body;
    const second = (await send(user, chatId, 'q2')).body;
    const [q1, a1, q2, a2] = [first.user_message, first.assistant_message, second.user_message, second.assistant_message];
    expect(q1.parent_id).toBeNull();
    expect(q2.parent_id).toBe(a1.id);
    expect(a2).toMatchObject({ parent_id: q2.id, content: 'Echo: q2', sibling_index: 1, sibling_count: 1, sibling_ids: [a2.id] });
    expect(lastPrompt()).toEqual(promptOf(q1, a1, q2));

    // Edit q2: a sibling question from a1, answered with the path up to a1 only.
    const edited = (await http().post(`/api/messages/${q2.id}/edit`).set(user.auth).send({ content: 'q2 edited', stream: false }).expect(201)).body;
    const [q2b, a2b] = [edited.user_message, edited.assistant_message];
    expect(q2b).toMatchObject({ parent_id: a1.id, sibling_index: 2, sibling_count: 2, sibling_ids: [q2.id, q2b.id] });
    expect(a2b).toMatchObject({ parent_id: q2b.id, status: 'complete', content: 'Echo: q2 edited' });
    expect(lastPrompt()).toEqual(promptOf(q1, a1, q2b));
    expect(texts(await listed(user, chatId))).toEqual(['q1', 'Echo: q1', 'q2 edited', 'Echo: q2 edited']);

    // Back to the first branch: from q2 down to its latest answer.
    const event = once(socket, 'active_leaf_changed');
    const switched = (await http().put(`/api/chats/${chatId}/active-leaf`).set(user.auth).send({ message_id: q2.id }).expect(200)).body;
    expect(switched).toMatchObject({ chat_id: chatId, active_leaf_id: a2.id, next_before: null });
    expect(await event).toEqual({ chat_id: chatId, active_leaf_id: a2.id });
    const onFirst = await listed(user, chatId);
    expect(texts(onFirst)).toEqual(['q1', 'Echo: q1', 'q2', 'Echo: q2']);
    expect(texts(switched.items)).toEqual(texts(onFirst));
    expect(onFirst[2]).toMatchObject({ id: q2.id, sibling_index: 1, sibling_count: 2, sibling_ids: [q2.id, q2b.id] });
    const third = (await send(user, chatId, 'q3')).body;
    expect(third.user_message.parent_id).toBe(a2.id);
    expect(lastPrompt()).toEqual(promptOf(q1, a1, q2, a2, third.user_message));

    // And to the edited branch: q3 is not on it.
    await http().put(`/api/chats/${chatId}/active-leaf`).set(user.auth).send({ message_id: q2b.id }).expect(200);
    expect(texts(await listed(user, chatId))).toEqual(['q1', 'Echo: q1', 'q2 edited', 'Echo: q2 edited']);
    const fourth = (await send(user, chatId, 'q4')).body;
    expect(lastPrompt()).toEqual(promptOf(q1, a1, q2b, a2b, fourth.user_message));

    // Regenerate the last answer: its prompt has no answer to q4, and the rejected one leaves the path.
    const regenerated = (await http().post(`/api/messages/${fourth.assistant_message.id}/regenerate`).set(user.auth).expect(201)).body;
    expect(regenerated).toMatchObject({ parent_id: fourth.user_message.id, sibling_index: 2, sibling_count: 2 });
    await ended(regenerated.id);
    expect(lastPrompt()).toEqual(promptOf(q1, a1, q2b, a2b, fourth.user_message));
    const fifth = (await send(user, chatId, 'q5')).body;
    const a4b = await db.getRepository(Message).findOneByOrFail({ id: regenerated.id });
    expect(lastPrompt()).toEqual(promptOf(q1, a1, q2b, a2b, fourth.user_message, a4b, fifth.user_message));
    const path = await listed(user, chatId);
    expect(path.map((m) => m.id)).toEqual([q1.id, a1.id, q2b.id, a2b.id, fourth.user_message.id, a4b.id, fifth.user_message.id, fifth.assistant_message.id]);

    // Paging follows the path: `before` is a message of it.
    const page = (await http().get(`/api/messages/chat/${chatId}?limit=3`).set(user.auth).expect(200)).body;
    expect(page.items.map((m: Listed) => m.id)).toEqual([a4b.id, fifth.user_message.id, fifth.assistant_message.id]);
    const older = (await http().get(`/api/messages/chat/${chatId}?limit=3&before=${page.next_before}`).set(user.auth).expect(200)).body;
    expect(older.items.map((m: Listed) => m.id)).toEqual([q2b.id, a2b.id, fourth.user_message.id]);
    const opened = (await http().get(`/api/chats/${chatId}?limit=2`).set(user.auth).expect(200)).body;
    expect(opened.messages.map((m: Listed) => m.id)).toEqual([fifth.user_message.id, fifth.assistant_message.id]);
    expect(opened.messages_next_before).toBe(fifth.user_message.id);

    // Editing an answer is refused.
    await http().post(`/api/messages/${a1.id}/edit`).set(user.auth).send({ content: 'no' }).expect(409);
  });

  it('regenerates an image question with the image, on the vision model, with the chat\'s options', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Pictures');
    fs.mkdirSync(c.t.config.uploadDir, { recursive: true });
    fs.writeFileSync(path.join(c.t.config.uploadDir, `branches-${chatId}.png`), PNG);
    const image = await db.getRepository(Document).save({
      filename: 'photo.png', file_path: `branches-${chatId}.png`, file_size: PNG.length, mime_type: 'image/png',
      entity_type: 'chat', entity_id: chatId, uploader_id: user.id, status: 'ready',
    });
    const asked = (await send(user, chatId, 'What is in this picture?', [image.id])).body;
    expect(asked.user_message.document_ids).toEqual([image.id]);
    expect(asked.assistant_message).toMatchObject({ llm_model: 'sim-vision', status: 'complete' });

    // The chat now overrides the agent's temperature and output cap.
    await db.query('UPDATE chats SET temperature = 0.9, max_output_tokens = 64 WHERE id = $1', [chatId]);
    c.sim.reset();
    const regenerated = (await http().post(`/api/messages/${asked.assistant_message.id}/regenerate`).set(user.auth).expect(201)).body;
    expect(regenerated).toMatchObject({ llm_model: 'sim-vision', llm_temperature: 0.9, llm_max_tokens: 64 });
    expect(await ended(regenerated.id)).toMatchObject({ status: 'complete' });
    const body = c.sim.chatRequests().at(-1)!.body as ChatCompletionRequest & { max_tokens: number };
    expect(body).toMatchObject({ model: 'sim-vision', temperature: 0.9, max_tokens: 64 });
    const question = body.messages.at(-1)!;
    expect(question.content).toEqual([
      { type: 'text', text: 'What is in this picture?' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG.toString('base64')}` } },
    ]);

    // A fork keeps the path and the options, not the attachments (documents stay with their chat).
    const fork = (await http().post(`/api/chats/${chatId}/fork`).set(user.auth).send({}).expect(201)).body;
    expect(fork).toMatchObject({ title: 'Pictures (fork)', agent_id: expect.any(Number) });
    const copied = await listed(user, fork.id);
    expect(texts(copied)).toEqual(['What is in this picture?', 'Echo: What is in this picture? [images: 1]']);
    expect(copied[0].document_ids).toBeNull();
    const forked = await db.query('SELECT temperature, max_output_tokens FROM chats WHERE id = $1', [fork.id]);
    expect(forked).toEqual([{ temperature: 0.9, max_output_tokens: 64 }]);
  });

  it('forks a path into a new chat whose next prompt holds it', async () => {
    const { user, chatId } = await userWithChat(c.t, {}, 'Original');
    const first = (await send(user, chatId, 'one')).body;
    await send(user, chatId, 'two');

    const fork = (await http().post(`/api/chats/${chatId}/fork`).set(user.auth).send({ message_id: first.assistant_message.id }).expect(201)).body;
    expect(fork).toMatchObject({ title: 'Original (fork)', user_id: user.id });
    expect(texts(await listed(user, fork.id))).toEqual(['one', 'Echo: one']);
    const next = (await send(user, fork.id, 'three')).body;
    expect(lastPrompt()).toEqual(['system: You are terse.', 'user: one', 'assistant: Echo: one', 'user: three']);
    expect(next.user_message.chat_id).toBe(fork.id);
    // The original is untouched.
    expect(texts(await listed(user, chatId))).toEqual(['one', 'Echo: one', 'two', 'Echo: two']);

    // The whole active path by default.
    const whole = (await http().post(`/api/chats/${chatId}/fork`).set(user.auth).send({}).expect(201)).body;
    expect(texts(await listed(user, whole.id))).toEqual(['one', 'Echo: one', 'two', 'Echo: two']);
  });

  it("is 404 on another user's chats and messages for every branch route", async () => {
    const owner = await userWithChat(c.t, {}, 'Mine');
    const other = await userWithChat(c.t, {}, 'Theirs');
    const stranger = await signUp(c.t);
    const mine = (await send(owner.user, owner.chatId, 'private')).body;
    const theirs = (await send(other.user, other.chatId, 'theirs')).body;

    await http().put(`/api/chats/${owner.chatId}/active-leaf`).set(stranger.auth).send({ message_id: mine.user_message.id }).expect(404);
    await http().post(`/api/chats/${owner.chatId}/fork`).set(stranger.auth).send({}).expect(404);
    await http().post(`/api/messages/${mine.user_message.id}/edit`).set(stranger.auth).send({ content: 'x' }).expect(404);
    await http().post(`/api/messages/${mine.assistant_message.id}/regenerate`).set(stranger.auth).expect(404);
    // Another chat's message through my own chat.
    await http().put(`/api/chats/${owner.chatId}/active-leaf`).set(owner.user.auth).send({ message_id: theirs.user_message.id }).expect(404);
    await http().post(`/api/chats/${owner.chatId}/fork`).set(owner.user.auth).send({ message_id: theirs.user_message.id }).expect(404);
    await http().put(`/api/chats/${owner.chatId}/active-leaf`).set(owner.user.auth).send({ message_id: 'x' }).expect(422);
    expect(texts(await listed(owner.user, owner.chatId))).toEqual(['private', 'Echo: private']);
  });
});
