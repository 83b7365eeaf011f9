import { DataSource } from 'typeorm';
import { ConflictError, DomainError, knownErrorReply, NotFoundError, RateLimitModule } from '#common';
import { Agent, Message } from '#database';
import { MetricsModule } from '#health';
import { LlmModule } from '#llm';
import { MessagesModule, MessagesService } from '#messages';
import { RetrievalModule } from '#retrieval';
import type { TestUser } from '../factories';
import { createMediumContextWithLlm, LlmMediumContext } from '../medium-context';

describe('Messages (MessagesService with the LLM simulator)', () => {
  let ctx: LlmMediumContext;
  let messages: MessagesService;

  beforeAll(async () => {
    ctx = await createMediumContextWithLlm({
      imports: [MessagesModule, LlmModule, RetrievalModule, RateLimitModule, MetricsModule],
      // Asserted below: one retry; the first token within 2 s, then no gap over 1 s.
      env: { LLM_FIRST_TOKEN_TIMEOUT: '2', LLM_IDLE_TIMEOUT: '1', LLM_RETRIES: '1' },
    });
    messages = ctx.get(MessagesService);
  });
  afterEach(() => ctx.sim.reset());
  afterAll(() => ctx?.close());

  describe('who may send', () => {
    let owner: TestUser;
    let admin: TestUser;
    let user: TestUser;

    beforeAll(async () => {
      [owner, admin, user] = [await ctx.factories.user(), await ctx.factories.admin(), await ctx.factories.user()];
    });

    const send = (who: TestUser, chatId: number) => messages.send(who, { chat_id: chatId, content: 'question', stream: false });
    const stored = (chatId: number) => ctx.get(DataSource).getRepository(Message).countBy({ chat_id: chatId });

    it('refuses a chat whose agent turned private to its user (not found), storing nothing; its owner and admins keep theirs', async () => {
      const agent = await ctx.factories.agent(owner, { visibility: 'public' });
      const [userChat, ownerChat, adminChat] = await Promise.all([user, owner, admin].map((who) => ctx.factories.chat(who, agent)));
      await ctx.get(DataSource).getRepository(Agent).update(agent.id, { visibility: 'private' });

      await expect(send(user, userChat.id)).rejects.toThrow(NotFoundError);
      expect(await stored(userChat.id)).toBe(0);
      expect(ctx.sim.chatRequests()).toHaveLength(0);
      for (const [who, chat] of [[owner, ownerChat], [admin, adminChat]] as const) {
        await expect(send(who, chat.id)).resolves.toMatchObject({ assistant_message: { status: 'complete' } });
      }
    });

    it('makes the chats of a deleted agent read-only for everyone (conflict), storing nothing', async () => {
      const agent = await ctx.factories.agent(owner, { visibility: 'public' });
      const [userChat, ownerChat] = await Promise.all([user, owner].map((who) => ctx.factories.chat(who, agent)));
      await ctx.get(DataSource).getRepository(Agent).softDelete(agent.id);

      for (const [who, chat] of [[user, userChat], [owner, ownerChat]] as const) {
        await expect(send(who, chat.id)).rejects.toThrow(ConflictError);
        expect(await stored(chat.id)).toBe(0);
      }
      expect(ctx.sim.chatRequests()).toHaveLength(0);
    });

    it("never sends into someone else's chat, even for an admin", async () => {
      const chat = await ctx.factories.chat(user, await ctx.factories.agent(user));
      for (const who of [owner, admin]) await expect(send(who, chat.id)).rejects.toThrow(NotFoundError);
      expect(await stored(chat.id)).toBe(0);
    });
  });

  /**
   * How an answer ends when the provider misbehaves (LLM_RETRIES=1; first token
   * within 2 s, then no gap over 1 s). Only final states are asserted, never
   * durations: the simulator's faults are deterministic, and the timeouts are
   * far above what a healthy in-process answer takes even on a loaded machine.
   */
  describe('retries and timeouts', () => {
    /** Sends "question" with stream:false (it returns once the answer has ended); the stored answer, and the error if any. */
    async function ask(): Promise<{ answer: Message; error?: unknown }> {
      const user = await ctx.factories.user();
      const chat = await ctx.factories.chat(user, await ctx.factories.agent(user));
      const error = await messages.send(user, { chat_id: chat.id, content: 'question', stream: false }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      const answer = await ctx.get(DataSource).getRepository(Message).findOneByOrFail({ chat_id: chat.id, role: 'assistant' });
      return { answer, error };
    }

    it('retries a provider error before the first token, then completes', async () => {
      ctx.sim.enqueueFault({ type: 'server_error', status: 502 });
      const { answer, error } = await ask();
      expect(error).toBeUndefined();
      expect(answer).toMatchObject({ status: 'complete', content: 'Echo: question', error: null });
      expect(ctx.sim.chatRequests()).toHaveLength(2);
    });

    it('gives up after the bounded retries: failed, with no text, and the request fails', async () => {
      ctx.sim.enqueueFault({ type: 'server_error' });
      ctx.sim.enqueueFault({ type: 'server_error' });
      ctx.sim.enqueueFault({ type: 'server_error' });
      const { answer, error } = await ask();
      expect(error).toBeInstanceOf(DomainError);
      expect(knownErrorReply(error)?.status).toBe(503);
      expect(answer).toMatchObject({ status: 'failed', content: '', error: expect.stringMatching(/HTTP 500/) });
      expect(ctx.sim.chatRequests()).toHaveLength(2);
    });

    it('never retries a rate limit: failed at once, saying the model is busy', async () => {
      ctx.sim.enqueueFault({ type: 'rate_limit', retryAfterSeconds: 7 });
      const { answer, error } = await ask();
      expect(knownErrorReply(error)).toMatchObject({ status: 429, headers: { 'Retry-After': '7' } });
      expect(answer).toMatchObject({ status: 'failed', error: expect.stringMatching(/busy/) });
      expect(ctx.sim.chatRequests()).toHaveLength(1);
    });

    it('retries a model that sends nothing before the first-token timeout, then completes', async () => {
      ctx.sim.enqueueFault({ type: 'stall' });
      const { answer } = await ask();
      expect(answer).toMatchObject({ status: 'complete', content: 'Echo: question' });
      expect(ctx.sim.chatRequests()).toHaveLength(2);
    });

    it('fails when every attempt hits the first-token timeout', async () => {
      ctx.sim.enqueueFault({ type: 'stall' });
      ctx.sim.enqueueFault({ type: 'stall' });
      const { answer, error } = await ask();
      expect(error).toBeInstanceOf(DomainError);
      expect(answer).toMatchObject({ status: 'failed', content: '', error: expect.stringMatching(/did not start answering in time/) });
      expect(ctx.sim.chatRequests()).toHaveLength(2);
    });

    it('fails a stream that stalls mid-answer after the idle timeout, keeping what came, without a retry', async () => {
      ctx.sim.reply = () => 'alpha beta gamma delta';
      ctx.sim.enqueueFault({ type: 'stall', afterTokens: 2 });
      const { answer } = await ask();
      expect(answer).toMatchObject({ status: 'failed', content: 'alpha beta', error: expect.stringMatching(/stopped sending/) });
      expect(ctx.sim.chatRequests()).toHaveLength(1);
    });
  });
});
