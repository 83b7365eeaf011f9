import { ChatCompletionRequest, LlmSimulator } from '../../../test/support/llm-simulator/llm-simulator';
import type { ChatMessage, ChatRequest, StreamChunk, ToolDefinition } from './llm.types';
import { OpenAiCompatibleProvider } from './openai-compatible.provider';

const ADD: ToolDefinition = {
  name: 'add',
  description: 'Adds two numbers',
  parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
};

async function collect(chunks: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const all: StreamChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

const text = (chunks: StreamChunk[]) => chunks.map((chunk) => chunk.delta).join('');
const withCalls = (chunks: StreamChunk[]) => chunks.filter((chunk) => chunk.toolCalls);

describe('OpenAiCompatibleProvider against the LLM simulator: tool calls', () => {
  let sim: LlmSimulator;
  let provider: OpenAiCompatibleProvider;
  const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
    model: 'sim-chat',
    messages: [{ role: 'user', content }],
    temperature: 0,
    tools: [ADD],
    ...extra,
  });
  const lastBody = () => sim.chatRequests().at(-1)!.body as ChatCompletionRequest;

  beforeAll(async () => {
    sim = await LlmSimulator.start();
    provider = new OpenAiCompatibleProvider({
      name: 'sim',
      baseUrl: sim.url,
      apiKey: 'key',
      models: [{ id: 'sim-chat', capabilities: ['chat'] }],
      askStreamUsage: true,
      priority: 0,
      weight: 1,
    });
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  it('gathers the streamed fragments of a call into one chunk with the complete call, as the choice finishes', async () => {
    const chunks = await collect(provider.stream(ask('What is 2+3? [[tool add {"a": 2, "b": 3}]]')));
    expect(withCalls(chunks)).toEqual([
      { delta: '', finishReason: 'tool_calls', toolCalls: [{ id: 'call_1', name: 'add', arguments: '{"a": 2, "b": 3}' }] },
    ]);
    expect(text(chunks)).toBe('');
    // The fragments counted as tokens: the usage chunk still comes after the calls.
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThanOrEqual(2);
  });

  it('streams the text first, then the calls', async () => {
    sim.reply = () => ({ text: 'Let me add that.', toolCalls: [{ name: 'add', arguments: '{"a":1,"b":1}' }] });
    const chunks = await collect(provider.stream(ask('Add one and one')));
    const callsAt = chunks.findIndex((chunk) => chunk.toolCalls);
    expect(text(chunks.slice(0, callsAt))).toBe('Let me add that.');
    expect(chunks.slice(callsAt + 1).every((chunk) => !chunk.delta && !chunk.toolCalls)).toBe(true);
    expect(chunks[callsAt]).toMatchObject({ finishReason: 'tool_calls', toolCalls: [{ id: 'call_1', name: 'add', arguments: '{"a":1,"b":1}' }] });
  });

  it('gives two calls of one reply together, in order, each with its own id (tools not offered included)', async () => {
    const chunks = await collect(provider.stream(ask('[[tool add {"a":1,"b":2}]] and [[tool secret_delete {"path":"/"}]]')));
    expect(withCalls(chunks).map((chunk) => chunk.toolCalls)).toEqual([
      [
        { id: 'call_1', name: 'add', arguments: '{"a":1,"b":2}' },
        { id: 'call_2', name: 'secret_delete', arguments: '{"path":"/"}' },
      ],
    ]);
  });

  it('passes arguments that are not JSON through as the model sent them', async () => {
    const chunks = await collect(provider.stream(ask('[[tool add {"a": 2,, oops: not json}]]')));
    expect(withCalls(chunks)[0].toolCalls).toEqual([{ id: 'call_1', name: 'add', arguments: '{"a": 2,, oops: not json}' }]);
  });

  it('answers the round with tool results with a text using them, streamed and whole', async () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: '[[tool add {"a":2,"b":3}]] [[tool echo {"message":"hi"}]]' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'add', arguments: '{"a":2,"b":3}' } },
          { id: 'call_2', type: 'function', function: { name: 'echo', arguments: '{"message":"hi"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'The sum of 2 and 3 is 5.' },
      { role: 'tool', tool_call_id: 'call_2', content: 'Echo: hi' },
    ];
    const chunks = await collect(provider.stream(ask('', { messages })));
    expect(text(chunks)).toBe('Tool results: add: The sum of 2 and 3 is 5.; echo: Echo: hi');
    expect(withCalls(chunks)).toEqual([]);
    expect(chunks.filter((chunk) => chunk.delta).length).toBeGreaterThan(1);
    expect(chunks.find((chunk) => chunk.finishReason)?.finishReason).toBe('stop');
    // The model got the calls and the results as OpenAI expects them.
    expect(lastBody().messages.slice(1)).toEqual(messages.slice(1));

    const whole = await provider.chat(ask('', { messages }));
    expect(whole).toMatchObject({ content: 'Tool results: add: The sum of 2 and 3 is 5.; echo: Echo: hi' });
    expect(whole.toolCalls).toBeUndefined();
  });

  it('never hands on half a call: a stream cut among its fragments fails', async () => {
    sim.enqueueFault({ type: 'cut', afterTokens: 1 });
    const seen: StreamChunk[] = [];
    await expect(
      (async () => {
        for await (const chunk of provider.stream(ask('[[tool add {"a": 2, "b": 3}]]'))) seen.push(chunk);
      })(),
    ).rejects.toThrow();
    expect(withCalls(seen)).toEqual([]);
  });

  it('returns the calls of a whole (not streamed) reply', async () => {
    const result = await provider.chat(ask('[[tool add {"a":4,"b":5}]]'));
    expect(result).toMatchObject({ content: '', toolCalls: [{ id: 'call_1', name: 'add', arguments: '{"a":4,"b":5}' }] });
  });

  it('offers tools only when given some: without them, a trigger is only text', async () => {
    await collect(provider.stream(ask('[[tool add {}]]')));
    expect(lastBody().tools).toEqual([{ type: 'function', function: { name: 'add', description: ADD.description, parameters: ADD.parameters } }]);

    for (const tools of [undefined, []]) {
      const chunks = await collect(provider.stream(ask('[[tool add {}]]', { tools })));
      expect('tools' in lastBody()).toBe(false);
      expect(text(chunks)).toBe('Echo: [[tool add {}]]');
      expect(withCalls(chunks)).toEqual([]);
    }
    await provider.chat(ask('plain', { tools: undefined }));
    expect('tools' in lastBody()).toBe(false);
  });
});
