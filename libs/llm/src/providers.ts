import type { AppConfig } from '#config';
import { OpenAiCompatibleProvider, toBaseUrl } from './openai-compatible.provider';

/** Mistral's API: configured when API_KEY is set. */
export function createMistralProvider(config: AppConfig): OpenAiCompatibleProvider | null {
  const llm = config.llm;
  if (!llm.apiKey) return null;
  const endpoint = { baseUrl: toBaseUrl(llm.apiUrl), apiKey: llm.apiKey };
  return new OpenAiCompatibleProvider({
    name: 'mistral',
    chat: { ...endpoint, model: llm.apiModel },
    vision: { ...endpoint, model: llm.pixtralModel },
    embeddings: llm.embeddingProvider === 'mistral' ? { ...endpoint, model: llm.embeddingModel } : undefined,
    askStreamUsage: false,
  });
}

/** A local vLLM server: configured when VLLM_API_URL and VLLM_MODEL_NAME are set. */
export function createVllmProvider(config: AppConfig): OpenAiCompatibleProvider | null {
  const llm = config.llm;
  if (!llm.vllmApiUrl || !llm.vllmModelName) return null;
  // vLLM accepts any key unless started with --api-key.
  const apiKey = llm.vllmApiKey ?? 'EMPTY';
  const chat = { baseUrl: toBaseUrl(llm.vllmApiUrl), apiKey, model: llm.vllmModelName };
  const vision =
    llm.pixtralVllmModel && (llm.pixtralVllmUrl || llm.vllmApiUrl)
      ? { baseUrl: toBaseUrl(llm.pixtralVllmUrl ?? llm.vllmApiUrl), apiKey, model: llm.pixtralVllmModel }
      : undefined;
  return new OpenAiCompatibleProvider({
    name: 'vllm',
    chat,
    vision,
    embeddings: llm.embeddingProvider === 'vllm' ? { ...chat, model: llm.embeddingModel } : undefined,
    askStreamUsage: true,
  });
}
