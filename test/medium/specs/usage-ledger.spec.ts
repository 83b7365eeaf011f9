import { DataSource } from 'typeorm';
import { RateLimitModule } from '#common';
import { ChatTitleJob } from '#chats';
import { Chat, DEFAULT_CHAT_TITLE, Message, UsageRecord } from '#database';
import { MetricsModule } from '#health';
import { LlmModule } from '#llm';
import { InterruptedAnswers, MessagesModule, MessagesService } from '#messages';
import { RetrievalModule } from '#retrieval';
import { estimateTextTokens } from '#usage';
import type { TestUser } from '../factories';
import { createMediumContextWithLlm, LlmMediumContext } from '../medium-context';

/** Answers ended without their run (a crashed process, a stop nobody ran) are counted once, when they end; failed side calls count too. */
describe('Usage ledger: answers ended outside their run, side calls that fail', () => {
  let ctx: LlmMediumContext;
  let user: TestUser;
  let chat: Chat;

  beforeAll(async () => {
    ctx = await createMediumContextWithLlm({ imports: [MessagesModule, LlmModule, RetrievalModule, RateLimitModule, MetricsModule] });
    user = await ctx.factories.user();
    chat = await ctx.factories.chat(user, await ctx.factories.agent(user));
  });
  afterEach(() => ctx.sim.reset());
  afterAll(() => ctx?.close());

  const rowsFor = (messageId: number) => ctx.get(DataSource).getRepository(UsageRecord).findBy({ message_id: messageId });

  /** An answer left `streaming` by a process that is gone (its heartbeat a minute old). */
  async function orphan(question: Message, content: string, fields: Partial<Message> = {}): Promise<Message> {
    return ctx.factories.message(chat, {
      role: 'assistant',
      status: 'streaming',
      content,
      parent_id: question.id,
      llm_model: 'sim-chat',
      llm_provider: 'mistral',
      heartbeat_at: new Date(Date.now() - 60_000),
      ...fields,
    });
  }

  it('writes one estimated row per swept answer, with the sweep, and none on the next sweep', async () => {
    const question = await ctx.factories.message(chat, { content: 'Tell me about Lyon' });
    const first = await orphan(question, 'Lyon is a city in France', { prompt_tokens: 42 });
    const again = await orphan(question, 'Lyon lies where the Rhône meets the Saône');
    const sweeps = ctx.get(InterruptedAnswers);

    expect(await sweeps.sweep(false)).toBe(2);
    expect(await sweeps.sweep(false)).toBe(0);

    expect(await rowsFor(first.id)).toEqual([
      expect.objectContaining({
        purpose: 'answer',
        outcome: 'interrupted',
        user_id: user.id,
        agent_id: chat.agent_id,
        chat_id: chat.id,
        provider: 'mistral',
        model: 'sim-chat',
        prompt_tokens: 42,
        completion_tokens: estimateTextTokens('Lyon is a city in France'),
        estimated: true,
      }),
    ]);
    // A second answer to the same question is a regeneration; its prompt was never stored.
    expect(await rowsFor(again.id)).toEqual([expect.objectContaining({ purpose: 'regenerate', outcome: 'interrupted', prompt_tokens: 0 })]);
  });

  it('writes one row when a stop finds no process running the answer, and none when it is stopped again', async () => {
    const question = await ctx.factories.message(chat, { content: 'And Paris?' });
    // Its heartbeat is fresh: the sweep leaves it, and the stop waits for it, then ends it itself.
    const answer = await orphan(question, 'Paris is', { heartbeat_at: new Date() });
    const messages = ctx.get(MessagesService);

    expect(await messages.stop(user, answer.id)).toMatchObject({ status: 'stopped', content: 'Paris is' });
    expect(await messages.stop(user, answer.id)).toMatchObject({ status: 'stopped' });

    expect(await rowsFor(answer.id)).toEqual([
      expect.objectContaining({ purpose: 'answer', outcome: 'stopped', user_id: user.id, completion_tokens: estimateTextTokens('Paris is') }),
    ]);
  });

  it('records a side call that failed as failed (what was sent, estimated), and the retry that worked as complete', async () => {
    const untitled = await ctx.factories.chat(user, await ctx.factories.agent(user), { title: DEFAULT_CHAT_TITLE });
    await ctx.factories.exchange(untitled, 'Planning a trip to Lyon', 'Visit the old town.');
    const titles = ctx.get(ChatTitleJob);
    const rows = () => ctx.get(DataSource).getRepository(UsageRecord).find({ where: { chat_id: untitled.id, purpose: 'title' }, order: { id: 'ASC' } });

    // A lone endpoint's 429 fails the call at once (a 5xx would be retried within LLM_RETRIES).
    ctx.sim.enqueueFault({ type: 'rate_limit', retryAfterSeconds: 1 });
    await expect(titles.handle({ chatId: untitled.id })).rejects.toThrow();
    await titles.handle({ chatId: untitled.id });

    const [failed, complete] = await rows();
    expect(await rows()).toHaveLength(2);
    expect(failed).toMatchObject({ outcome: 'failed', estimated: true, completion_tokens: 0, user_id: user.id, agent_id: untitled.agent_id });
    expect(failed.prompt_tokens).toBeGreaterThan(0);
    // The simulator reports usage: its count ("Echo: Planning a trip to Lyon", a token a word), not ours.
    expect(complete).toMatchObject({ outcome: 'complete', estimated: false, completion_tokens: 6 });
  });
});
