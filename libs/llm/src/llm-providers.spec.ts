import { Env, loadConfig } from '#config';
import { configuredEndpoints, createLlmProviders } from './llm-providers';
import { LlmRegistry } from './llm-registry';

const registryFor = (env: Env) => {
  const config = loadConfig(env, '/srv');
  return new LlmRegistry(createLlmProviders(config), config);
};

const VLLM = {
  VLLM_API_URL: 'http://vllm:8000/v1/chat/completions',
  VLLM_MODEL_NAME: 'small',
  PIXTRAL_VLLM_URL: 'http://vision:8000/v1',
  PIXTRAL_VLLM_MODEL: 'pixtral',
};
const THIRD = JSON.stringify([
  { name: 'third', base_url: 'http://third/v1', api_key: 'k3', models: ['third-chat', { id: 'third-embed', capabilities: ['embeddings'] }] },
]);

describe('LLM_PROVIDERS from the configuration', () => {
  it('builds nothing when no provider is configured', () => {
    expect(configuredEndpoints(loadConfig({}, '/srv'))).toEqual([]);
    expect(registryFor({}).embeddings()).toBeNull();
  });

  it('builds the two named providers from the legacy variables, LLM_MODE first', () => {
    const config = loadConfig({ API_KEY: 'k', ...VLLM, LLM_MODE: 'vllm', EMBEDDING_PROVIDER: 'vllm', EMBEDDING_MODEL: 'e5' }, '/srv');
    expect(configuredEndpoints(config)).toEqual([
      {
        name: 'vllm',
        baseUrl: 'http://vllm:8000/v1',
        apiKey: 'EMPTY',
        models: [
          { id: 'small', capabilities: ['chat'] },
          { id: 'pixtral', capabilities: ['chat', 'vision'], baseUrl: 'http://vision:8000/v1' },
          { id: 'e5', capabilities: ['embeddings'] },
        ],
        askStreamUsage: true,
        priority: 0,
        weight: 1,
      },
      {
        name: 'mistral',
        baseUrl: 'https://api.mistral.ai/v1',
        apiKey: 'k',
        models: [
          { id: 'mistral-small-latest', capabilities: ['chat'] },
          { id: 'pixtral-large-latest', capabilities: ['chat', 'vision'] },
        ],
        askStreamUsage: false,
        priority: 1,
        weight: 1,
      },
    ]);
  });

  it('resolves chat, vision and embeddings through the registry, extra endpoints included', () => {
    const registry = registryFor({ API_KEY: 'k', LLM_ENDPOINTS: THIRD, EMBEDDING_PROVIDER: 'third', EMBEDDING_MODEL: 'third-embed' });
    expect(registry.providers().map((provider) => provider.name)).toEqual(['mistral', 'third']);
    const [chat] = registry.route('third-chat').targets;
    expect([chat.provider.name, chat.model]).toEqual(['third', 'third-chat']);
    expect(registry.route('mistral-small-latest', { withImages: true }).targets[0].model).toBe('pixtral-large-latest');
    expect(() => registry.route('third-embed')).toThrow('not served by the configured providers');
    expect(() => registry.route('third-chat', { withImages: true })).toThrow('No vision model');
    const embeddings = registry.embeddings();
    expect([embeddings?.provider.name, embeddings?.model]).toEqual(['third', 'third-embed']);
  });

  it('routes a model to every endpoint serving it by priority, then to the fallback models served here', () => {
    const endpoint = (name: string, models: string[], extra: object = {}) => ({ name, base_url: `http://${name}:8000/v1`, models, ...extra });
    const registry = registryFor({
      API_KEY: 'k',
      LLM_ENDPOINTS: JSON.stringify([
        endpoint('second', ['shared'], { priority: 5 }),
        endpoint('first', ['shared', 'backup'], { priority: 1 }),
        endpoint('last', ['shared']),
      ]),
    });
    const route = registry.route('shared', { fallbacks: ['backup', 'not-served', 'shared'] });
    expect(route.targets.map((target) => `${target.provider.name}:${target.model}`)).toEqual([
      'first:shared',
      'last:shared', // no priority: its place in the list as one (mistral 0, then 1, 2, 3)
      'second:shared',
      'first:backup',
    ]);
  });

  it('shares equal priorities by weight', () => {
    const endpoint = (name: string, weight: number) => ({ name, base_url: `http://${name}:8000/v1`, models: ['shared'], priority: 1, weight });
    const registry = registryFor({ API_KEY: 'k', LLM_ENDPOINTS: JSON.stringify([endpoint('light', 1), endpoint('heavy', 3)]) });
    const firsts = Array.from({ length: 4000 }, () => registry.route('shared').targets[0].provider.name);
    const heavyShare = firsts.filter((name) => name === 'heavy').length / firsts.length;
    // 3:1 expects 0.75; 4000 draws put it within ±0.05 all but once in ~10^11.
    expect(heavyShare).toBeGreaterThan(0.7);
    expect(heavyShare).toBeLessThan(0.8);
    expect(registry.route('shared').targets).toHaveLength(2);
  });

  it('keeps embeddings off when EMBEDDING_PROVIDER is none or names an unconfigured provider', () => {
    expect(registryFor({ API_KEY: 'k', EMBEDDING_PROVIDER: 'none' }).embeddings()).toBeNull();
    expect(registryFor({ ...VLLM, EMBEDDING_PROVIDER: 'mistral' }).embeddings()).toBeNull();
    expect(registryFor({ API_KEY: 'k' }).embeddings()?.model).toBe('mistral-embed');
  });
});
