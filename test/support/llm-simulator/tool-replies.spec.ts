import { ChatCompletionRequest, LlmSimulator } from './llm-simulator';
import { argumentPieces, toolResultsText, triggeredToolCalls } from './tool-replies';

const TOOLS = [{ type: 'function', function: { name: 'add', description: 'Adds', parameters: { type: 'object' } } }];
const userAsks = (content: string, tools: unknown[] = TOOLS): ChatCompletionRequest => ({
  model: 'sim-chat',
  messages: [{ role: 'user', content }],
  tools,
});

/** The `data:` payloads of an SSE body, [DONE] left out. */
function events(body: string): { choices: { delta: Record<string, unknown>; finish_reason: string | null }[] }[] {
  return body
    .split('\n\n')
    .filter((event) => event.startsWith('data: ') && event !== 'data: [DONE]')
    .map((event) => JSON.parse(event.slice('data: '.length)));
}

describe('LLM simulator: tool calls', () => {
  describe('triggers', () => {
    it('reads each trigger of the last user message, arguments verbatim, JSON or not', () => {
      const calls = triggeredToolCalls(userAsks('Sum? [[tool add {"a":[[1]],"b":2}]][[tool add]] then [[tool other_server__rm {oops]]'));
      expect(calls).toEqual([
        { name: 'add', arguments: '{"a":[[1]],"b":2}' },
        { name: 'add', arguments: '' },
        { name: 'other_server__rm', arguments: '{oops' },
      ]);
    });

    it('ignores triggers when no tool is offered or the last message is not the user\'s', () => {
      expect(triggeredToolCalls(userAsks('[[tool add {}]]', []))).toEqual([]);
      const request = userAsks('[[tool add {}]]');
      request.messages.push({ role: 'assistant', content: 'done' });
      expect(triggeredToolCalls(request)).toEqual([]);
    });
  });

  it('quotes the results that end the request, named after the calls they answer', () => {
    const request: ChatCompletionRequest = {
      model: 'sim-chat',
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: '', tool_calls: [{ id: 'a', type: 'function', function: { name: 'add', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'a', content: '5' },
        { role: 'tool', tool_call_id: 'forged', content: [{ type: 'text', text: 'x' }] },
      ],
    };
    expect(toolResultsText(request)).toBe('Tool results: add: 5; unknown: x');
    expect(toolResultsText(userAsks('hi'))).toBeNull();
  });

  it('splits arguments into at least two pieces of at most 8 characters that join back, characters whole', () => {
    for (const text of ['', '{}', '{"a":1}', '{"city":"Zürich 🏔️","days":[1,2,3]}']) {
      const pieces = argumentPieces(text);
      expect(pieces.length).toBeGreaterThanOrEqual(2);
      expect(pieces.join('')).toBe(text);
      expect(pieces.every((piece) => Array.from(piece).length <= 8 && !/[\uD800-\uDBFF]$/.test(piece))).toBe(true);
    }
  });

  describe('on the wire', () => {
    let sim: LlmSimulator;
    const post = (body: object) =>
      fetch(`${sim.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    beforeAll(async () => {
      sim = await LlmSimulator.start();
    });
    afterAll(() => sim.close());

    it('streams a call as OpenAI does: id, type and name first, the arguments over several fragments', async () => {
      const response = await post({ ...userAsks('[[tool add {"a": 2, "b": 3}]]'), stream: true });
      const chunks = events(await response.text());
      const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta));
      const fragments = deltas.flatMap((delta) => (delta.tool_calls ?? []) as Record<string, unknown>[]);
      expect(deltas[0]).toMatchObject({ role: 'assistant', content: null });
      expect(fragments[0]).toMatchObject({ index: 0, id: 'call_1', type: 'function', function: { name: 'add' } });
      expect(fragments.length).toBeGreaterThanOrEqual(2);
      expect(fragments.slice(1).every((fragment) => !('id' in fragment) && fragment.index === 0)).toBe(true);
      expect(fragments.map((fragment) => (fragment.function as { arguments: string }).arguments).join('')).toBe('{"a": 2, "b": 3}');
      expect(chunks.at(-1)?.choices[0].finish_reason).toBe('tool_calls');
      // What was offered stays inspectable.
      expect((sim.chatRequests().at(-1)?.body as ChatCompletionRequest).tools).toEqual(TOOLS);
    });

    it('answers a whole request with message.tool_calls, each fragment counted as a completion token', async () => {
      const response = await post(userAsks('[[tool add {"a":1}]] [[tool add {"a":2}]]'));
      const completion = (await response.json()) as {
        choices: { message: Record<string, unknown>; finish_reason: string }[];
        usage: { completion_tokens: number };
      };
      expect(completion.choices[0]).toMatchObject({
        finish_reason: 'tool_calls',
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'add', arguments: '{"a":1}' } },
            { id: 'call_2', type: 'function', function: { name: 'add', arguments: '{"a":2}' } },
          ],
        },
      });
      expect(completion.usage.completion_tokens).toBe(4);
    });
  });
});
