import { DataSource } from 'typeorm';
import { Message } from '#database';
import type { SimFault } from '../support/llm-simulator/llm-simulator';
import { ChatApp, startChatApp, userWithChat, waitFor } from '../support/chat-app';

/**
 * Issue 13 item 10: when a first-token, idle or total timeout fires, the provider's connection closes
 * at once. Node's built-in fetch used to open a fresh connection after the abort and leave it idle ~4 s.
 */
describe('A timed-out upstream request leaves no connection behind', () => {
  let c: ChatApp;

  beforeAll(async () => {
    c = await startChatApp({ LLM_FIRST_TOKEN_TIMEOUT: '2', LLM_IDLE_TIMEOUT: '1', LLM_MAX_GENERATION_TIME: '3', LLM_RETRIES: '0' });
  });
  afterEach(() => c.sim.reset());
  afterAll(() => c.close());

  const slowWords = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');

  it.each<[string, SimFault | null, RegExp]>([
    ['first token', { type: 'stall' }, /did not start/],
    ['idle', { type: 'stall', afterTokens: 2 }, /stopped sending/],
    ['total', null, /took too long/],
  ])('%s timeout', async (_, fault, error) => {
    c.sim.reply = () => slowWords;
    if (fault) c.sim.enqueueFault(fault);
    else c.sim.interTokenMs = 300; // never idle for a second, but longer than the 3 s total
    const { user, chatId } = await userWithChat(c.t, {}, 'Stall');
    const accepted = c.sim.connections.accepted;
    const sent = await c.t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'question' }).expect(201);
    const messages = c.t.app.get(DataSource).getRepository(Message);
    const failed = await waitFor(() => messages.findOneByOrFail({ id: sent.body.assistant_message.id }), (m) => m.status !== 'streaming');
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(error) });
    // The abort used to open a second, idle connection that stayed ~4 s: one request, one connection, closed.
    expect(c.sim.connections.accepted - accepted).toBe(1);
    await waitFor(async () => c.sim.connections.open, (open) => open === 0, 2000);
  });
});
