import type { AppConfig, LlmEndpointConfig } from '#config';
import type { Capability, LlmProvider } from './llm.types';

/** An endpoint's settings before its place among the others is known. */
type UnplacedEndpoint = Omit<EndpointSettings, 'priority' | 'weight'> & { priority?: number; weight?: number };
import { EndpointSettings, OpenAiCompatibleProvider, ServedModel, toBaseUrl } from './openai-compatible.provider';

/** Every configured OpenAI-compatible endpoint, as LlmProvider[], in the order models are looked up. */
export const LLM_PROVIDERS = Symbol('LLM_PROVIDERS');

// vLLM (and most self-hosted servers) accept any key unless started with --api-key; the SDK wants one.
const NO_KEY = 'EMPTY';

/** Adds a model, or its capabilities to the same model already listed (PIXTRAL_MODEL = API_MODEL). */
function serve(models: ServedModel[], id: string, capabilities: Capability[], baseUrl?: string): void {
  const same = models.find((model) => model.id === id);
  if (!same) models.push({ id, capabilities, ...(baseUrl ? { baseUrl } : {}) });
  else same.capabilities.push(...capabilities.filter((capability) => !same.capabilities.includes(capability)));
}

/** Mistral's API: configured when API_KEY is set. */
export function mistralEndpoint(config: AppConfig): UnplacedEndpoint | null {
  const llm = config.llm;
  if (!llm.apiKey) return null;
  const models: ServedModel[] = [];
  serve(models, llm.apiModel, ['chat']);
  serve(models, llm.pixtralModel, ['chat', 'vision']);
  if (llm.embeddingProvider === 'mistral') serve(models, llm.embeddingModel, ['embeddings']);
  return { name: 'mistral', baseUrl: toBaseUrl(llm.apiUrl), apiKey: llm.apiKey, models, askStreamUsage: false };
}

/** A local vLLM server: configured when VLLM_API_URL and VLLM_MODEL_NAME are set. */
export function vllmEndpoint(config: AppConfig): UnplacedEndpoint | null {
  const llm = config.llm;
  if (!llm.vllmApiUrl || !llm.vllmModelName) return null;
  const baseUrl = toBaseUrl(llm.vllmApiUrl);
  const models: ServedModel[] = [];
  serve(models, llm.vllmModelName, ['chat']);
  if (llm.pixtralVllmModel) {
    const visionUrl = llm.pixtralVllmUrl ? toBaseUrl(llm.pixtralVllmUrl) : baseUrl;
    serve(models, llm.pixtralVllmModel, ['chat', 'vision'], visionUrl === baseUrl ? undefined : visionUrl);
  }
  if (llm.embeddingProvider === 'vllm') serve(models, llm.embeddingModel, ['embeddings']);
  return { name: 'vllm', baseUrl, apiKey: llm.vllmApiKey ?? NO_KEY, models, askStreamUsage: true };
}

/** An LLM_ENDPOINTS entry, already validated by the configuration. */
export function extraEndpoint(endpoint: LlmEndpointConfig): UnplacedEndpoint {
  return {
    name: endpoint.name,
    baseUrl: toBaseUrl(endpoint.baseUrl),
    apiKey: endpoint.apiKey ?? NO_KEY,
    models: endpoint.models.map((model) => ({ id: model.id, capabilities: [...model.capabilities] })),
    askStreamUsage: endpoint.streamUsage,
    priority: endpoint.priority,
    weight: endpoint.weight,
  };
}

/**
 * The endpoints in lookup order: the one LLM_MODE names, the other built-in one, then LLM_ENDPOINTS in
 * order. An endpoint without a priority takes its place in that order as one, so by default a model
 * served twice is tried in list order; equal priorities given on purpose share by weight.
 */
export function configuredEndpoints(config: AppConfig): EndpointSettings[] {
  const builtIn = config.llm.mode === 'vllm' ? [vllmEndpoint(config), mistralEndpoint(config)] : [mistralEndpoint(config), vllmEndpoint(config)];
  const ordered = [...builtIn.filter((endpoint) => endpoint !== null), ...config.llm.endpoints.map(extraEndpoint)];
  return ordered.map((endpoint, place) => ({ ...endpoint, priority: endpoint.priority ?? place, weight: endpoint.weight ?? 1 }));
}

/** The LLM_PROVIDERS factory: built once from the configuration. */
export function createLlmProviders(config: AppConfig): LlmProvider[] {
  return configuredEndpoints(config).map((settings) => new OpenAiCompatibleProvider(settings));
}
