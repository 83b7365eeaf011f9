import { ConfigError, loadConfig } from './app-config';
import { Env, EnvReader } from './env-parsers';
import { readLlmEndpoints } from './llm-endpoints';

const THIRD = {
  name: 'third',
  base_url: 'http://llm.internal:8000/v1',
  api_key: 'k3-very-secret',
  models: ['third-chat', { id: 'third-embed', capabilities: ['embeddings'] }],
};

/** What the configuration says of these variables, LLM_ENDPOINTS and EMBEDDING_* included. */
function problemsOf(env: Env): string[] {
  const error = (() => {
    try {
      loadConfig(env, '/srv');
    } catch (thrown) {
      return thrown;
    }
  })();
  if (error !== undefined && !(error instanceof ConfigError)) throw error;
  return error?.problems ?? [];
}

function endpointProblems(env: Env): string[] {
  const read = new EnvReader(env);
  readLlmEndpoints(read);
  return read.problems;
}

const endpoints = (value: unknown) => ({ LLM_ENDPOINTS: JSON.stringify(value) });

describe('LLM_ENDPOINTS', () => {
  it('is empty by default', () => {
    expect(loadConfig({}, '/srv').llm.endpoints).toEqual([]);
  });

  it('reads extra endpoints; a bare model id takes the endpoint capabilities (chat by default)', () => {
    const config = loadConfig({ ...endpoints([THIRD, { ...THIRD, name: 'fourth', api_key: undefined, capabilities: ['chat', 'vision'], stream_usage: false }]) }, '/srv');
    expect(config.llm.endpoints).toEqual([
      {
        name: 'third',
        baseUrl: 'http://llm.internal:8000/v1',
        apiKey: 'k3-very-secret',
        models: [
          { id: 'third-chat', capabilities: ['chat'] },
          { id: 'third-embed', capabilities: ['embeddings'] },
        ],
        streamUsage: true,
        weight: 1,
      },
      {
        name: 'fourth',
        baseUrl: 'http://llm.internal:8000/v1',
        apiKey: undefined,
        models: [
          { id: 'third-chat', capabilities: ['chat', 'vision'] },
          { id: 'third-embed', capabilities: ['embeddings'] },
        ],
        streamUsage: false,
        weight: 1,
      },
    ]);
  });

  it('reads priority (0 to 1000, absent unless set) and weight (1 to 1000, 1 by default)', () => {
    const config = loadConfig({ ...endpoints([{ ...THIRD, priority: 0, weight: 3 }, { ...THIRD, name: 'fourth' }]) }, '/srv');
    expect(config.llm.endpoints[0]).toMatchObject({ name: 'third', priority: 0, weight: 3 });
    expect(config.llm.endpoints[1]).toMatchObject({ name: 'fourth', weight: 1 });
    expect(config.llm.endpoints[1]).not.toHaveProperty('priority');
    expect(
      endpointProblems(
        endpoints([
          { ...THIRD, priority: -1, weight: 0 },
          { ...THIRD, name: 'fourth', priority: 1001, weight: 1001 },
          { ...THIRD, name: 'fifth', priority: '1', weight: 1.5 },
        ]),
      ),
    ).toEqual([
      'LLM_ENDPOINTS[0].priority: must be an integer from 0 to 1000',
      'LLM_ENDPOINTS[0].weight: must be an integer from 1 to 1000',
      'LLM_ENDPOINTS[1].priority: must be an integer from 0 to 1000',
      'LLM_ENDPOINTS[1].weight: must be an integer from 1 to 1000',
      'LLM_ENDPOINTS[2].priority: must be an integer from 0 to 1000',
      'LLM_ENDPOINTS[2].weight: must be an integer from 1 to 1000',
    ]);
  });

  it('lets EMBEDDING_PROVIDER name an endpoint that serves EMBEDDING_MODEL for embeddings', () => {
    const config = loadConfig({ ...endpoints([THIRD]), EMBEDDING_PROVIDER: 'third', EMBEDDING_MODEL: 'third-embed' }, '/srv');
    expect(config.llm).toMatchObject({ embeddingProvider: 'third', embeddingModel: 'third-embed' });
    expect(problemsOf({ ...endpoints([THIRD]), EMBEDDING_PROVIDER: 'third', EMBEDDING_MODEL: 'third-chat' })).toEqual([
      'EMBEDDING_MODEL: "third-chat" is not an embeddings model of the LLM_ENDPOINTS endpoint "third"',
    ]);
    expect(problemsOf({ EMBEDDING_PROVIDER: 'third' })).toEqual([
      'EMBEDDING_PROVIDER: must be one of mistral, vllm, none (got "third")',
    ]);
  });

  it('names each bad field, and never quotes a key', () => {
    const problems = endpointProblems(
      endpoints([
        { ...THIRD, base_url: 'ftp://user:k3-very-secret@host/v1', models: [] },
        { ...THIRD, name: 'Bad Name', api_key: 42, baseUrl: 'x' },
        { ...THIRD, name: 'vllm', capabilities: ['chat', 'audio'], models: [{ id: '' }] },
        THIRD,
      ]),
    );
    expect(problems).toEqual([
      'LLM_ENDPOINTS[0].base_url: must be an http or https URL (got "ftp://user:***@host/v1")',
      'LLM_ENDPOINTS[0].models: must be a non-empty array',
      'LLM_ENDPOINTS[1].baseUrl: is not a known field (expected name, base_url, api_key, models, capabilities, stream_usage, priority, weight)',
      'LLM_ENDPOINTS[1].name: must be 1 to 50 lower-case letters, digits, ".", "_" or "-"',
      'LLM_ENDPOINTS[1].api_key: must be a non-empty string',
      'LLM_ENDPOINTS[2].name: "vllm" is reserved (set Mistral\'s API and vLLM with their own variables)',
      'LLM_ENDPOINTS[2].capabilities: must be a non-empty array of chat, vision, embeddings',
      'LLM_ENDPOINTS[2].models[0].id: must be a model id of 1 to 200 characters',
      'LLM_ENDPOINTS[3].name: "third" is already the name of another endpoint',
    ]);
    expect(problems.join('\n')).not.toContain('k3-very-secret');
  });

  it('refuses text that is not a JSON array without quoting it', () => {
    const secret = '[{"name": "x", "api_key": "k3-very-secret"';
    expect(endpointProblems({ LLM_ENDPOINTS: secret })).toEqual(['LLM_ENDPOINTS: is not valid JSON (expected an array of endpoints)']);
    expect(endpointProblems({ LLM_ENDPOINTS: '{"name": "x"}' })).toEqual(['LLM_ENDPOINTS: must be a JSON array of endpoints']);
  });
});
