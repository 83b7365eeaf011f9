import { Logger } from '@nestjs/common';
import { loadConfig } from '#config';
import type { AppConfig } from '#config';
import { LlmRateLimitedError, LlmRequestError, LlmUnavailableError } from '../llm.errors';
import type { ChatRequest, LlmProvider, StreamChunk, ToolCallRequest } from '../llm.types';
import { breakerSettings } from './breaker-policy';
import { FailoverStats } from './failover-stats';
import { FailoverStreamer } from './failover-streamer';
import { MemoryBreakers } from './memory-breakers';
import type { ModelRoute } from './model-route';

/** How a fake endpoint answers one call: tokens (then tool calls), or a failure before (or after) them. */
type Script = { tokens: string[]; toolCalls?: ToolCallRequest[]; failAfter?: Error } | { fail: Error };

/** An endpoint that plays its scripts in order (the last one again once they run out), counting and keeping its requests. */
function endpoint(name: string, ...scripts: Script[]): LlmProvider & { calls: number; requests: ChatRequest[] } {
  const provider = {
    name,
    priority: 0,
    weight: 1,
    calls: 0,
    requests: [] as ChatRequest[],
    configuredModels: () => [],
    listServedModels: () => Promise.resolve([]),
    embed: () => Promise.reject(new Error('not used')),
    chat: (request: ChatRequest) => {
      provider.requests.push(request);
      const script = scripts[Math.min(provider.calls++, scripts.length - 1)];
      if ('fail' in script) return Promise.reject(script.fail);
      return Promise.resolve({ content: `${request.model}:${script.tokens.join('')}` });
    },
    async *stream(request: ChatRequest): AsyncIterable<StreamChunk> {
      provider.requests.push(request);
      const script = scripts[Math.min(provider.calls++, scripts.length - 1)];
      if ('fail' in script) throw script.fail;
      for (const token of script.tokens) yield { delta: `${request.model}:${token}` };
      if (script.toolCalls) yield { delta: '', toolCalls: script.toolCalls, finishReason: 'tool_calls' };
      if (script.failAfter) throw script.failAfter;
    },
  };
  return provider;
}

const route = (model: string, ...targets: [LlmProvider, string][]): ModelRoute => ({
  model,
  targets: targets.map(([provider, served]) => ({ provider, model: served })),
});

async function collect(stream: AsyncIterable<StreamChunk>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const chunk of stream) deltas.push(chunk.delta);
  return deltas;
}

describe('FailoverStreamer', () => {
  let config: AppConfig;
  let breakers: MemoryBreakers;
  let stats: FailoverStats;
  let failover: FailoverStreamer;
  const request = { messages: [{ role: 'user' as const, content: 'hi' }], temperature: 0 };
  const signal = () => new AbortController().signal;

  beforeEach(() => {
    // Each failover and breaker change is logged; the assertions read the stats instead.
    for (const level of ['warn', 'log', 'debug'] as const) jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
    config = loadConfig({ LLM_RETRIES: '2', LLM_BREAKER_FAILURES: '2', LLM_BREAKER_COOLDOWN: '60' }, '/srv');
    breakers = new MemoryBreakers(breakerSettings(config));
    stats = new FailoverStats();
    failover = new FailoverStreamer(breakers, config, stats);
  });

  it('moves to the next endpoint when one fails before its first token, and says who served', async () => {
    const down = endpoint('down', { fail: new LlmUnavailableError() });
    const up = endpoint('up', { tokens: ['a', 'b'] });
    const stream = failover.stream(route('m', [down, 'm'], [up, 'm']), request, signal());
    expect(await collect(stream)).toEqual(['m:a', 'm:b']);
    expect(stream.served?.provider.name).toBe('up');
    expect(stats.snapshot()).toEqual({ failovers: { down: 1 }, failures: { down: 1 } });
  });

  it('moves past a busy endpoint (429) without counting it against its breaker', async () => {
    const busy = endpoint('busy', { fail: new LlmRateLimitedError(30) });
    const up = endpoint('up', { tokens: ['a'] });
    expect(await collect(failover.stream(route('m', [busy, 'm'], [up, 'm']), request, signal()))).toEqual(['m:a']);
    expect(stats.snapshot().failures).toEqual({});
  });

  it("gives a lone endpoint's 429 back to the caller with its Retry-After", async () => {
    const busy = endpoint('busy', { fail: new LlmRateLimitedError(30) });
    await expect(collect(failover.stream(route('m', [busy, 'm']), request, signal()))).rejects.toMatchObject({ retryAfterSeconds: 30 });
    expect(busy.calls).toBe(1);
  });

  it('goes to the fallback model once every endpoint of the model failed', async () => {
    const first = endpoint('first', { fail: new LlmUnavailableError() });
    const second = endpoint('second', { fail: new LlmUnavailableError() }, { tokens: ['x'] });
    const stream = failover.stream(route('m', [first, 'm'], [second, 'm'], [second, 'backup']), request, signal());
    expect(await collect(stream)).toEqual(['backup:x']);
    expect(stream.served?.model).toBe('backup');
  });

  it('never switches an answer after its first token: the failure ends it', async () => {
    const cut = endpoint('cut', { tokens: ['a'], failAfter: new LlmUnavailableError() });
    const up = endpoint('up', { tokens: ['b'] });
    const stream = failover.stream(route('m', [cut, 'm'], [up, 'm']), request, signal());
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) seen.push(chunk.delta);
      })(),
    ).rejects.toBeInstanceOf(LlmUnavailableError);
    expect(seen).toEqual(['m:a']);
    expect(up.calls).toBe(0);
    expect(stream.served?.provider.name).toBe('cut');
    expect(stats.snapshot().failures).toEqual({ cut: 1 });
  });

  it('does not retry a request the provider refused as such (4xx)', async () => {
    const refusing = endpoint('refusing', { fail: new LlmRequestError() });
    const up = endpoint('up', { tokens: ['a'] });
    await expect(collect(failover.stream(route('m', [refusing, 'm'], [up, 'm']), request, signal()))).rejects.toBeInstanceOf(LlmRequestError);
    expect(up.calls).toBe(0);
  });

  it('stops within LLM_RETRIES further attempts, going back to an endpoint tried before', async () => {
    const patient = loadConfig({ LLM_RETRIES: '2', LLM_BREAKER_FAILURES: '10' }, '/srv');
    const retrying = new FailoverStreamer(new MemoryBreakers(breakerSettings(patient)), patient, stats);
    const flaky = endpoint('flaky', { fail: new LlmUnavailableError('The model provider failed (HTTP 502)') });
    const failed = collect(retrying.stream(route('m', [flaky, 'm']), request, signal()));
    await expect(failed).rejects.toThrow('HTTP 502');
    expect(flaky.calls).toBe(3);
  });

  it('skips an endpoint whose breaker is open, and fails at once when every one is', async () => {
    const down = endpoint('down', { fail: new LlmUnavailableError() });
    const up = endpoint('up', { tokens: ['a'] });
    await breakers.failed('down');
    await breakers.failed('down'); // LLM_BREAKER_FAILURES=2: open
    expect(await collect(failover.stream(route('m', [down, 'm'], [up, 'm']), request, signal()))).toEqual(['m:a']);
    expect(down.calls).toBe(0);
    await expect(collect(failover.stream(route('m', [down, 'm']), request, signal()))).rejects.toThrow('Every endpoint serving "m" is failing');
  });

  it('routes whole answers (complete) the same way', async () => {
    const down = endpoint('down', { fail: new LlmUnavailableError() });
    const up = endpoint('up', { tokens: ['done'] });
    const result = await failover.complete(route('m', [down, 'm'], [up, 'm']), request);
    expect(result.content).toBe('m:done');
    expect(result.served.provider.name).toBe('up');
  });

  it("leaves the endpoint's breaker alone when the caller stops the answer", async () => {
    const controller = new AbortController();
    const slow = endpoint('slow', { tokens: ['a', 'b'] });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of failover.stream(route('m', [slow, 'm']), request, controller.signal)) {
          seen.push(chunk.delta);
          controller.abort(new Error('stopped'));
        }
      })(),
    ).rejects.toThrow('stopped');
    expect(stats.snapshot().failures).toEqual({});
  });

  describe('tool calls', () => {
    const add: ToolCallRequest = { id: 'call_1', name: 'add', arguments: '{"a":2,"b":3}' };
    const tools = [{ name: 'add', description: 'Adds two numbers', parameters: { type: 'object' } }];

    it('hands the complete calls on, the answer served by the endpoint that asked for them', async () => {
      const caller = endpoint('caller', { tokens: [], toolCalls: [add] });
      const stream = failover.stream(route('m', [caller, 'm']), { ...request, tools }, signal());
      const chunks: StreamChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks).toEqual([{ delta: '', toolCalls: [add], finishReason: 'tool_calls' }]);
      expect(stream.served?.provider.name).toBe('caller');
      expect(caller.requests[0].tools).toEqual(tools);
    });

    it('counts calls without text as the answer having started: a failure after them is not failed over', async () => {
      const cut = endpoint('cut', { tokens: [], toolCalls: [add], failAfter: new LlmUnavailableError() });
      const up = endpoint('up', { tokens: ['b'] });
      const stream = failover.stream(route('m', [cut, 'm'], [up, 'm']), request, signal());
      const seen: StreamChunk[] = [];
      await expect(
        (async () => {
          for await (const chunk of stream) seen.push(chunk);
        })(),
      ).rejects.toBeInstanceOf(LlmUnavailableError);
      expect(seen.map((chunk) => chunk.toolCalls)).toEqual([[add]]);
      expect(up.calls).toBe(0);
      expect(stream.served?.provider.name).toBe('cut');
      expect(stats.snapshot()).toEqual({ failovers: {}, failures: { cut: 1 } });
    });

    it('still fails over an endpoint that broke before asking for anything, with the tools offered again', async () => {
      const down = endpoint('down', { fail: new LlmUnavailableError() });
      const up = endpoint('up', { tokens: [], toolCalls: [add] });
      const stream = failover.stream(route('m', [down, 'm'], [up, 'm']), { ...request, tools }, signal());
      const calls: ToolCallRequest[][] = [];
      for await (const chunk of stream) if (chunk.toolCalls) calls.push(chunk.toolCalls);
      expect(calls).toEqual([[add]]);
      expect(stream.served?.provider.name).toBe('up');
      expect(up.requests[0].tools).toEqual(tools);
    });

    it('offers the tools to whole answers (complete) too', async () => {
      const up = endpoint('up', { tokens: ['done'] });
      await failover.complete(route('m', [up, 'm']), { ...request, tools });
      expect(up.requests[0].tools).toEqual(tools);
    });
  });
});
