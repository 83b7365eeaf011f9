import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationError } from '#common';
import { LlmRegistry } from '#llm';
import type { ApiKeyPrincipal } from '#api-keys';
import { embeddingCallTokens, UsageLedger } from '#usage';
import type { CallTokens } from '#usage';
import { EmbeddingList, EmbeddingRequest, MAX_EMBEDDING_INPUT_CHARS, MAX_EMBEDDING_INPUTS } from './dto/embedding.dto';
import { ModelNotFoundError } from './openai-errors';

/** `input` as texts: a string or a non-empty array of strings, bounded in count and length (token arrays are not taken). */
function inputsOf(input: unknown): string[] {
  const texts = typeof input === 'string' ? [input] : input;
  const refuse = (msg: string, loc: (string | number)[] = []): never => {
    throw new ValidationError([{ loc: ['body', 'input', ...loc], msg }]);
  };
  if (!Array.isArray(texts) || texts.length === 0) return refuse('input must be a string or a non-empty array of strings');
  if (texts.length > MAX_EMBEDDING_INPUTS) refuse(`input must hold at most ${MAX_EMBEDDING_INPUTS} texts`);
  return texts.map((text: unknown, i) => {
    const loc = typeof input === 'string' ? [] : [i];
    if (typeof text !== 'string') return refuse('input must be a string or an array of strings (token arrays are not supported)', loc);
    if (text.length > MAX_EMBEDDING_INPUT_CHARS) refuse(`each input must be at most ${MAX_EMBEDDING_INPUT_CHARS} characters`, loc);
    return text;
  });
}

/** POST /v1/embeddings: vectors from the configured embedding model (EMBEDDING_PROVIDER, EMBEDDING_MODEL), one ledger row per call. */
@Injectable()
export class EmbeddingsService {
  constructor(
    private readonly registry: LlmRegistry,
    private readonly ledger: UsageLedger,
  ) {}

  async create(principal: ApiKeyPrincipal, body: EmbeddingRequest): Promise<EmbeddingList> {
    const resolved = this.registry.embeddings();
    if (!resolved) throw new NotFoundError('Embeddings are not available: no embedding model is configured on this server (EMBEDDING_PROVIDER)');
    if (body.model !== resolved.model) throw new ModelNotFoundError(body.model, `the embedding model is \`${resolved.model}\``);
    const texts = inputsOf(body.input);
    let tokens: CallTokens = embeddingCallTokens(texts);
    const { provider, model } = resolved;
    const result = await this.ledger.track(
      { purpose: 'api_embedding', userId: principal.user.id, provider: provider.name, model },
      () => provider.embed(texts, model),
      ({ usage }) => (tokens = embeddingCallTokens(texts, usage)),
      () => tokens,
    );
    return {
      object: 'list',
      data: result.vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
      })),
      model,
      usage: { prompt_tokens: tokens.promptTokens, total_tokens: tokens.promptTokens },
    };
  }
}
