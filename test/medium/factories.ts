import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '#auth';
import type { AppConfig } from '#config';
import { Agent, Chat, Document, Memory, Message, User } from '#database';
import type { DocumentEntityType } from '#database';
import { hashPassword } from '#users';

/** A stored user that can also act as the request identity services receive. */
export type TestUser = User & AuthUser;

export const TEST_PASSWORD = 'correct horse battery';

let counter = 0;
const next = () => (counter += 1);

/** Three distinct capital letters per call (17 576 users per test file). */
function trigramme(n: number): string {
  return [n % 26, Math.floor(n / 26) % 26, Math.floor(n / 676) % 26].map((i) => String.fromCharCode(65 + i)).join('');
}

/**
 * Rows for medium tests, each with sensible defaults that a test overrides
 * only where its rule cares. They insert through TypeORM's entity repositories:
 * the schema (entities and migrations) is the stable contract here, while
 * feature repositories and services are free to change shape.
 */
export class MediumFactories {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async user(overrides: Partial<User> = {}): Promise<TestUser> {
    const n = next();
    const user = await this.dataSource.getRepository(User).save({
      email: `user${n}-${process.pid}@example.org`,
      trigramme: trigramme(n),
      hashed_password: await hashPassword(TEST_PASSWORD, this.config.auth.bcryptRounds),
      is_admin: false,
      is_active: true,
      ...overrides,
    });
    return { ...user, session_id: `medium-${n}`, session_expires_at: Date.now() + 3_600_000 };
  }

  admin(overrides: Partial<User> = {}): Promise<TestUser> {
    return this.user({ ...overrides, is_admin: true });
  }

  /** A private agent on the configured chat model, unless told otherwise; `deleted: true` soft-deletes it. */
  async agent(owner: { id: number }, { deleted = false, ...overrides }: Partial<Agent> & { deleted?: boolean } = {}): Promise<Agent> {
    const agents = this.dataSource.getRepository(Agent);
    const agent = await agents.save({
      name: `Agent ${next()}`,
      system_prompt: 'You are terse.',
      model: this.config.llm.apiModel,
      temperature: 0.3,
      visibility: 'private',
      owner_id: owner.id,
      ...overrides,
    });
    if (deleted) await agents.softDelete(agent.id);
    return agents.findOneOrFail({ where: { id: agent.id }, withDeleted: true });
  }

  /** A titled chat: an untitled one would queue a title job (and a model call) after its first answer. */
  chat(user: { id: number }, agent: { id: number }, overrides: Partial<Chat> = {}): Promise<Chat> {
    return this.dataSource.getRepository(Chat).save({ title: `Chat ${next()}`, user_id: user.id, agent_id: agent.id, ...overrides });
  }

  message(chat: { id: number }, overrides: Partial<Message> = {}): Promise<Message> {
    return this.dataSource.getRepository(Message).save({ chat_id: chat.id, role: 'user', content: 'Hello', status: 'complete', ...overrides });
  }

  /** A question and its complete answer, linked as the app links them. */
  async exchange(chat: { id: number }, question: string, answer: string): Promise<{ question: Message; answer: Message }> {
    // After the chat's active leaf, the answer becoming the leaf (see MessagesRepository.insertExchange).
    const { active_leaf_id } = await this.dataSource.getRepository(Chat).findOneByOrFail({ id: chat.id });
    const asked = await this.message(chat, { content: question, parent_id: active_leaf_id });
    const answered = await this.message(chat, { role: 'assistant', content: answer, parent_id: asked.id });
    await this.dataSource.getRepository(Chat).update(chat.id, { active_leaf_id: answered.id });
    return { question: asked, answer: answered };
  }

  /** A ready text document with its file under UPLOAD_DIR. */
  async document(
    uploader: { id: number },
    entity: { type: DocumentEntityType; id: number },
    overrides: Partial<Document> = {},
  ): Promise<Document> {
    const content = Buffer.from('Some text.');
    const filePath = `${randomUUID()}.txt`;
    await mkdir(this.config.uploadDir, { recursive: true });
    await writeFile(path.join(this.config.uploadDir, filePath), content);
    return this.dataSource.getRepository(Document).save({
      filename: 'notes.txt',
      file_path: filePath,
      file_size: content.length,
      mime_type: 'text/plain',
      entity_type: entity.type,
      entity_id: entity.id,
      uploader_id: uploader.id,
      status: 'ready',
      ...overrides,
    });
  }

  memory(user: { id: number }, agent: { id: number }, content: string): Promise<Memory> {
    return this.dataSource.getRepository(Memory).save({ user_id: user.id, agent_id: agent.id, content });
  }
}
