import { DataSource } from 'typeorm';
import { AgentsModule, MemoryLearningJob } from '#agents';
import { ChatsModule, ChatTitleJob } from '#chats';
import { Agent, Chat, DEFAULT_CHAT_TITLE, Memory } from '#database';
import { LlmModule } from '#llm';
import { RetrievalModule } from '#retrieval';
import type { TestUser } from '../factories';
import { createMediumContextWithLlm, LlmMediumContext } from '../medium-context';

/** What runs after a complete answer: the chat's title, and what the agent learns about its user. */
describe('Follow-up jobs (ChatTitleJob, MemoryLearningJob)', () => {
  let ctx: LlmMediumContext;
  let owner: TestUser;

  beforeAll(async () => {
    ctx = await createMediumContextWithLlm({ imports: [AgentsModule, ChatsModule, LlmModule, RetrievalModule] });
    owner = await ctx.factories.user();
  });
  afterEach(() => ctx.sim.reset());
  afterAll(() => ctx?.close());

  const db = () => ctx.get(DataSource);
  const title = async (chatId: number) => (await db().getRepository(Chat).findOneByOrFail({ id: chatId })).title;

  describe('the chat title', () => {
    async function untitledChat(): Promise<Chat> {
      const chat = await ctx.factories.chat(owner, await ctx.factories.agent(owner), { title: DEFAULT_CHAT_TITLE });
      await ctx.factories.exchange(chat, 'Je pars à Lyon en mai, que visiter ?', 'Le Vieux Lyon et Fourvière.');
      return chat;
    }

    it('names an untitled chat after its first exchange, cleaning what the model answered', async () => {
      const chat = await untitledChat();
      ctx.sim.reply = () => 'Titre : "Visiter Lyon en mai"\nCe titre résume la demande.';
      await ctx.get(ChatTitleJob).handle({ chatId: chat.id });
      expect(await title(chat.id)).toBe('Visiter Lyon en mai');
      expect(JSON.stringify(ctx.sim.chatRequests()[0].body)).toContain('Je pars à Lyon');
    });

    it('leaves a chat the user already named alone, without asking the model', async () => {
      const chat = await ctx.factories.chat(owner, await ctx.factories.agent(owner), { title: 'Mon voyage' });
      await ctx.factories.exchange(chat, 'Question', 'Answer');
      await ctx.get(ChatTitleJob).handle({ chatId: chat.id });
      expect(await title(chat.id)).toBe('Mon voyage');
      expect(ctx.sim.chatRequests()).toHaveLength(0);
    });

    it('keeps the default title when the model answers nothing usable', async () => {
      const chat = await untitledChat();
      ctx.sim.reply = () => '""';
      await ctx.get(ChatTitleJob).handle({ chatId: chat.id });
      expect(await title(chat.id)).toBe(DEFAULT_CHAT_TITLE);
    });

    it('waits for a complete answer', async () => {
      const chat = await ctx.factories.chat(owner, await ctx.factories.agent(owner), { title: DEFAULT_CHAT_TITLE });
      const question = await ctx.factories.message(chat, { content: 'Question' });
      await ctx.factories.message(chat, { role: 'assistant', content: 'Half an ans', status: 'failed', parent_id: question.id });
      await ctx.get(ChatTitleJob).handle({ chatId: chat.id });
      expect(await title(chat.id)).toBe(DEFAULT_CHAT_TITLE);
      expect(ctx.sim.chatRequests()).toHaveLength(0);
    });
  });

  describe('memories', () => {
    const learnt = (user: { id: number }, agentId: number) =>
      db()
        .getRepository(Memory)
        .find({ where: { user_id: user.id, agent_id: agentId }, order: { id: 'ASC' } })
        .then((memories) => memories.map((memory) => memory.content));

    /** A user's exchange in a chat with `agent`; the job's input is the answer's id. */
    async function exchangeWith(user: TestUser, agent: { id: number }): Promise<number> {
      const chat = await ctx.factories.chat(user, agent);
      return (await ctx.factories.exchange(chat, 'Je travaille sur le projet Lyon.', 'Noté.')).answer.id;
    }

    it('keeps what the model lists about the user, once: a repeat differing only by accents is not stored again', async () => {
      const user = await ctx.factories.user();
      const agent = await ctx.factories.agent(owner, { visibility: 'public', learn_from_interaction: true });
      ctx.sim.reply = () => '```json\n["Travaille sur le projet Lyon.", "Préfère le thé."]\n```';
      await ctx.get(MemoryLearningJob).handle({ messageId: await exchangeWith(user, agent) });
      ctx.sim.reply = () => '["Prefere le the.", "Parle français."]';
      await ctx.get(MemoryLearningJob).handle({ messageId: await exchangeWith(user, agent) });
      expect(await learnt(user, agent.id)).toEqual(['Travaille sur le projet Lyon.', 'Préfère le thé.', 'Parle français.']);
      expect(await learnt(owner, agent.id)).toEqual([]);
    });

    it('learns nothing, without asking the model, from an agent that does not learn', async () => {
      const agent = await ctx.factories.agent(owner, { learn_from_interaction: false });
      await ctx.get(MemoryLearningJob).handle({ messageId: await exchangeWith(owner, agent) });
      expect(await learnt(owner, agent.id)).toEqual([]);
      expect(ctx.sim.chatRequests()).toHaveLength(0);
    });

    it('learns nothing once the agent is no longer usable by that user (turned private, or deleted)', async () => {
      const user = await ctx.factories.user();
      const agent = await ctx.factories.agent(owner, { visibility: 'public', learn_from_interaction: true });
      const messageId = await exchangeWith(user, agent);
      await db().getRepository(Agent).update(agent.id, { visibility: 'private' });
      await ctx.get(MemoryLearningJob).handle({ messageId });

      const deleted = await ctx.factories.agent(owner, { learn_from_interaction: true });
      const ownMessageId = await exchangeWith(owner, deleted);
      await db().getRepository(Agent).softDelete(deleted.id);
      await ctx.get(MemoryLearningJob).handle({ messageId: ownMessageId });

      expect(await learnt(user, agent.id)).toEqual([]);
      expect(await learnt(owner, deleted.id)).toEqual([]);
      expect(ctx.sim.chatRequests()).toHaveLength(0);
    });
  });
});
