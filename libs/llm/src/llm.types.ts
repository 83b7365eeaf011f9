import type { LlmCapability } from '#config';

/** The parts of an OpenAI-style message the app sends. */
export type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** A tool the model may call: the OpenAI `function` tool, `parameters` being its JSON schema. */
export interface ToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** A call the model asked for. `arguments` is the model's raw JSON text: it may be invalid, the caller validates it. */
export interface ToolCallRequest {
  id: string;
  name: string;
  arguments: string;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | ContentPart[];
  /** assistant: the calls it asked for (content then ''), sent back to the model on the next round. */
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  /** tool: which call this result answers. */
  tool_call_id?: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature: number;
  maxTokens?: number;
  /** Offered to the model only when non-empty. */
  tools?: ToolDefinition[];
  signal?: AbortSignal;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
}

export interface ChatResult {
  content: string;
  usage?: Usage;
  /** The calls the model asked for instead of (or after) its text; absent when none. */
  toolCalls?: ToolCallRequest[];
}

/** Vectors in the order of the texts, and the tokens the provider counted when it reports them. */
export interface EmbeddingResult {
  vectors: number[][];
  usage?: { prompt_tokens: number };
}

/** One piece of a streamed answer: text, usage when the provider reports it, and why it ended on its last choice chunk. */
export interface StreamChunk {
  delta: string;
  usage?: Usage;
  /** The provider's `finish_reason` (`stop`, `length`, `tool_calls`…) once it gives one. */
  finishReason?: string;
  /**
   * The complete calls the model asked for, on one chunk when its choice ends: the provider
   * gathers the streamed fragments first, so a caller never sees half an argument.
   */
  toolCalls?: ToolCallRequest[];
}

export type Capability = LlmCapability;

export interface ModelInfo {
  id: string;
  /** The provider's name: `mistral`, `vllm`, or an LLM_ENDPOINTS endpoint's. */
  provider: string;
  capabilities: Capability[];
  /** Listed by the provider's own /models (not only configured here). */
  served: boolean;
}

/** One OpenAI-compatible backend. Implementations never log or return the API key. */
export interface LlmProvider {
  readonly name: string;
  /** Among endpoints serving one model, lower is tried first (see LlmRegistry.route). */
  readonly priority: number;
  /** Share of the requests among endpoints of equal priority. */
  readonly weight: number;
  /** Models configured for this provider, with what each is for. */
  configuredModels(): ModelInfo[];
  chat(request: ChatRequest): Promise<ChatResult>;
  stream(request: ChatRequest): AsyncIterable<StreamChunk>;
  embed(texts: string[], model: string, signal?: AbortSignal): Promise<EmbeddingResult>;
  /** Model ids the server lists at /models; throws when it does not answer. */
  listServedModels(signal?: AbortSignal): Promise<string[]>;
}
