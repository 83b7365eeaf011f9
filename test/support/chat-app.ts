import type { INestApplicationContext } from '@nestjs/common';
import { createWorker } from '../../apps/worker/src/create-worker';
import type { Env } from '#config';
import { usesWorker } from '#jobs';
import { signUp, SignedIn } from './auth';
import { LlmSimulator } from './llm-simulator/llm-simulator';
import { startTestApp, TestApp } from './test-app';

export interface ChatApp {
  t: TestApp;
  sim: LlmSimulator;
  /** Jobs run here when the app uses a separate worker (Redis + PostgreSQL). */
  worker?: INestApplicationContext;
  close: () => Promise<void>;
}

/** Settings that point the API at the simulator, with short timeouts. */
export function simulatorEnv(sim: LlmSimulator): Env {
  return {
    API_URL: `${sim.url}/chat/completions`,
    API_KEY: 'sim-key',
    API_MODEL: 'sim-chat',
    PIXTRAL_MODEL: 'sim-vision',
    LLM_FIRST_TOKEN_TIMEOUT: '2',
    LLM_IDLE_TIMEOUT: '1',
    LLM_RETRIES: '1',
  };
}

export function startSimulator(): Promise<LlmSimulator> {
  return LlmSimulator.start({ models: ['sim-chat', 'sim-vision', 'mistral-embed'] });
}

/** The API with the simulator standing in for Mistral's API (and the worker when production-shaped). */
export async function startChatApp(env: Env = {}): Promise<ChatApp> {
  const sim = await startSimulator();
  const t = await startTestApp({ ...simulatorEnv(sim), ...env });
  const worker = usesWorker(t.config) ? await createWorker(t.config) : undefined;
  return {
    t,
    sim,
    worker,
    close: async () => {
      await worker?.close();
      await t.close();
      await sim.close();
    },
  };
}

/** A user with a chat on a fresh agent. A chat given a title gets no title job (and its model call). */
export async function userWithChat(
  t: TestApp,
  agent: object = {},
  title?: string,
): Promise<{ user: SignedIn; agentId: number; chatId: number }> {
  const user = await signUp(t);
  const created = await t
    .http()
    .post('/api/agents')
    .set(user.auth)
    .send({ name: 'Assistant', system_prompt: 'You are terse.', temperature: 0.3, ...agent })
    .expect(201);
  const chat = await t.http().post('/api/chats').set(user.auth).send({ agent_id: created.body.id, title }).expect(201);
  return { user, agentId: created.body.id, chatId: chat.body.id };
}

export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in time; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
