import { ForbiddenError, NotFoundError } from '#common';
import type { OpenAiErrorHint } from '#common';

/** A model (agent) that does not exist, is not usable by the key's user, or is outside the key's scope: all alike, so none can be probed. */
export class ModelNotFoundError extends NotFoundError implements OpenAiErrorHint {
  readonly openAiCode = 'model_not_found';
  readonly openAiParam = 'model';

  constructor(model: string, hint?: string) {
    super(`The model \`${model.slice(0, 200)}\` does not exist or you do not have access to it${hint ? `: ${hint}` : ''}.`);
  }
}

/** A read-only key asked for a completion. */
export class ReadOnlyKeyError extends ForbiddenError {
  constructor() {
    super('This API key is read-only: it may list models and create embeddings, not chat completions');
  }
}
