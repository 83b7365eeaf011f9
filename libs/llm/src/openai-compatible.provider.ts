import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionMessage, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { createHttpFetch } from './http-fetch';
import { LlmError, LlmRateLimitedError, LlmRequestError, LlmUnavailableError } from './llm.errors';
import type { Capability, ChatRequest, ChatResult, EmbeddingResult, LlmProvider, ModelInfo, StreamChunk, ToolCallRequest } from './llm.types';
import { ToolCallFragments } from './tool-call-fragments';

export interface ServedModel {
  id: string;
  capabilities: Capability[];
  /** When the model runs on another server of the same provider (PIXTRAL_VLLM_URL). */
  baseUrl?: string;
}

/** One named OpenAI-compatible endpoint: where it is, its key, the models it serves and what for. */
export interface EndpointSettings {
  name: string;
  baseUrl: string;
  apiKey: string;
  models: ServedModel[];
  /** vLLM reports usage in streams only when asked; Mistral's API rejects the option. */
  askStreamUsage: boolean;
  /** Among endpoints serving one model, lower is tried first. */
  priority: number;
  /** Share of the requests among endpoints of equal priority. */
  weight: number;
}

/** The seed gives `.../v1/chat/completions`; the SDK wants the base `.../v1`. */
export function toBaseUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/chat\/completions$/, '').replace(/\/embeddings$/, '');
}

/** Maps SDK errors to ours, without the upstream message (it may echo the request). */
export function toLlmError(error: unknown): unknown {
  if (error instanceof LlmError || error instanceof APIUserAbortError) return error;
  if (error instanceof APIError && error.status !== undefined) {
    if (error.status === 429) {
      const retryAfter = Number(error.headers?.get('retry-after'));
      return new LlmRateLimitedError(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 5);
    }
    if (error.status >= 500) return new LlmUnavailableError(`The model provider failed (HTTP ${error.status})`);
    if (error.status === 401 || error.status === 403) {
      return new LlmRequestError('The model provider rejected our credentials');
    }
    return new LlmRequestError(`The model provider rejected the request (HTTP ${error.status})`);
  }
  if (error instanceof APIConnectionError) return new LlmUnavailableError();
  if (error instanceof Error && error.name === 'AbortError') return error;
  // A malformed chunk surfaces as a parse error from the SDK.
  return new LlmUnavailableError('The model provider sent an invalid response');
}

/** The function calls of a whole (not streamed) reply; other kinds of tool call are not ours to run. */
function functionCalls(message: ChatCompletionMessage): ToolCallRequest[] {
  return (message.tool_calls ?? []).flatMap((call) =>
    call.type === 'function' ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }] : [],
  );
}

/** Mistral's API, vLLM and any LLM_ENDPOINTS server speak the OpenAI protocol; only their settings differ. */
export class OpenAiCompatibleProvider implements LlmProvider {
  readonly name: string;
  readonly priority: number;
  readonly weight: number;
  private readonly clients = new Map<string, OpenAI>();
  // Our own fetch: a timed-out request closes its upstream connection at once (see createHttpFetch).
  private readonly fetch = createHttpFetch();

  constructor(private readonly settings: EndpointSettings) {
    this.name = settings.name;
    this.priority = settings.priority;
    this.weight = settings.weight;
  }

  configuredModels(): ModelInfo[] {
    return this.settings.models.map((model) => ({
      id: model.id,
      provider: this.name,
      capabilities: [...model.capabilities],
      served: false,
    }));
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    try {
      const completion = await this.clientFor(request.model).chat.completions.create(
        { ...this.body(request), stream: false },
        { signal: request.signal },
      );
      const usage = completion.usage;
      const message = completion.choices[0]?.message;
      const toolCalls = message ? functionCalls(message) : [];
      return {
        content: message?.content ?? '',
        usage: usage ? { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens } : undefined,
        ...(toolCalls.length ? { toolCalls } : {}),
      };
    } catch (error) {
      throw toLlmError(error);
    }
  }

  async *stream(request: ChatRequest): AsyncIterable<StreamChunk> {
    try {
      const stream = await this.clientFor(request.model).chat.completions.create(
        {
          ...this.body(request),
          stream: true,
          ...(this.settings.askStreamUsage ? { stream_options: { include_usage: true } } : {}),
        },
        { signal: request.signal },
      );
      const calls = new ToolCallFragments();
      let lastFinishReason: string | undefined;
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        const delta = choice?.delta?.content ?? '';
        const finishReason = choice?.finish_reason ?? undefined;
        if (choice?.delta?.tool_calls) calls.add(choice.delta.tool_calls);
        const usage = chunk.usage
          ? { prompt_tokens: chunk.usage.prompt_tokens, completion_tokens: chunk.usage.completion_tokens }
          : undefined;
        lastFinishReason = finishReason ?? lastFinishReason;
        // The calls go out whole, once the choice ends, whatever its reason ('tool_calls', or 'stop' on some servers).
        const toolCalls = finishReason && calls.pending ? calls.take() : undefined;
        if (delta || usage || finishReason) yield { delta, usage, ...(finishReason ? { finishReason } : {}), ...(toolCalls ? { toolCalls } : {}) };
      }
      // A server that ends the stream without finishing the choice still asked for these calls.
      if (calls.pending) yield { delta: '', finishReason: lastFinishReason ?? 'tool_calls', toolCalls: calls.take() };
    } catch (error) {
      throw toLlmError(error);
    }
  }

  async embed(texts: string[], model: string, signal?: AbortSignal): Promise<EmbeddingResult> {
    try {
      const response = await this.clientFor(model).embeddings.create(
        { model, input: texts, encoding_format: 'float' },
        { signal },
      );
      const vectors = response.data.sort((a, b) => a.index - b.index).map((item) => item.embedding);
      // Some servers omit usage (or send zeros with no count at all): the ledger then estimates.
      const promptTokens = response.usage?.prompt_tokens;
      return { vectors, usage: typeof promptTokens === 'number' ? { prompt_tokens: promptTokens } : undefined };
    } catch (error) {
      throw toLlmError(error);
    }
  }

  async listServedModels(signal?: AbortSignal): Promise<string[]> {
    const servers = new Set([this.settings.baseUrl, ...this.settings.models.map((model) => model.baseUrl ?? this.settings.baseUrl)]);
    const ids = new Set<string>();
    for (const baseUrl of servers) {
      try {
        const page = await this.client(baseUrl).models.list({ signal });
        for (const model of page.data) ids.add(model.id);
      } catch (error) {
        throw toLlmError(error);
      }
    }
    return [...ids];
  }

  private body(request: ChatRequest) {
    // An empty `tools` list is refused by some servers: no tools means no field.
    const tools: ChatCompletionTool[] | undefined = request.tools?.length
      ? request.tools.map(({ name, description, parameters }) => ({ type: 'function', function: { name, description, parameters } }))
      : undefined;
    return {
      model: request.model,
      messages: request.messages as ChatCompletionMessageParam[],
      temperature: request.temperature,
      ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
      ...(tools ? { tools } : {}),
    };
  }

  /** A model may live on its own server (the vision model on PIXTRAL_VLLM_URL). */
  private clientFor(model: string): OpenAI {
    const served = this.settings.models.find((candidate) => candidate.id === model);
    return this.client(served?.baseUrl ?? this.settings.baseUrl);
  }

  private client(baseUrl: string): OpenAI {
    let client = this.clients.get(baseUrl);
    if (!client) {
      // Retries are ours (before the first token only); timeouts come from our abort signals.
      // The SDK's own logging would print raw chunks (user content): failures are logged by us instead.
      client = new OpenAI({
        baseURL: baseUrl,
        apiKey: this.settings.apiKey,
        maxRetries: 0,
        timeout: 24 * 3600_000,
        logLevel: 'off',
        fetch: this.fetch,
      });
      this.clients.set(baseUrl, client);
    }
    return client;
  }
}
