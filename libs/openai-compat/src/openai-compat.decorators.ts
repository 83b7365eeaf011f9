import { applyDecorators } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiOpenAiErrors } from '#common';
import { ApiKeyAuthenticated } from '#api-keys';

export const OPENAI_COMPAT_TAG = 'openai-compatible';

/**
 * A controller of the OpenAI-compatible API: personal API keys only, its
 * tag, and errors documented in OpenAI's shape (the /v1 rendering of the
 * one error mapping; these replace the key guard's `ErrorResponse` ones).
 */
export const OpenAiCompatible = () =>
  applyDecorators(
    ApiTags(OPENAI_COMPAT_TAG),
    ApiKeyAuthenticated(),
    ApiOpenAiErrors(401, { 403: 'API keys are disabled by an administrator, or the key may not do this.' }, 429, 503),
  );
