import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsEmpty,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Nullable } from '#common';

/** Most messages a request may carry (the prompt keeps only what fits the context window anyway). */
export const MAX_CLIENT_MESSAGES = 1000;

export class TextPart {
  @ApiProperty({ enum: ['text'] }) type!: 'text';
  @ApiProperty() text!: string;
}

export class ImageUrl {
  @ApiProperty({ description: 'A `data:image/png|jpeg|webp|gif;base64,…` URL; remote URLs are refused (400).', example: 'data:image/png;base64,iVBORw0KGgo…' })
  url!: string;
  @ApiPropertyOptional({ enum: ['auto', 'low', 'high'], description: 'Accepted and ignored.' }) detail?: string;
}

export class ImagePart {
  @ApiProperty({ enum: ['image_url'] }) type!: 'image_url';
  @ApiProperty({ type: ImageUrl }) image_url!: ImageUrl;
}

/** One message of the conversation as the client holds it (checked in client-messages.ts, which names the part at fault). */
@ApiExtraModels(TextPart, ImagePart)
export class ClientMessage {
  @ApiProperty({ enum: ['system', 'developer', 'user', 'assistant'], description: '`tool` and `function` messages are refused (no tools).' })
  role!: string;

  @ApiProperty({
    oneOf: [
      { type: 'string' },
      { type: 'array', items: { oneOf: [{ $ref: getSchemaPath(TextPart) }, { $ref: getSchemaPath(ImagePart) }] } },
      { type: 'null' },
    ],
    description: 'Text, or parts: `text`, and `image_url` (user messages only, data: URLs only). Null only for an assistant message.',
  })
  content!: string | (TextPart | ImagePart)[] | null;

  @ApiPropertyOptional({ description: 'Accepted and ignored.' }) name?: string;
}

export class StreamOptions {
  @ApiPropertyOptional({ type: Boolean, nullable: true, description: 'Send a last chunk with `usage` (and `choices: []`) before `[DONE]`.' })
  @Nullable()
  @IsBoolean()
  include_usage?: boolean | null;
}

export class ResponseFormat {
  @ApiProperty({ enum: ['text'], description: 'Only `text`: JSON modes are not supported.' })
  @IsIn(['text'], { message: 'response_format.type must be text: JSON modes are not supported' })
  type!: 'text';
}

const NO_TOOLS = 'tools are not supported: agents answer with text only';

/**
 * The OpenAI chat completion request, as far as agents support it. Parameters
 * that would change the answer in a way we cannot honour are refused (400)
 * rather than ignored: `n` > 1, tools and functions, `stop`, `top_p` other than 1,
 * JSON response formats, and any parameter not listed here (penalties, logprobs, seed...).
 */
export class ChatCompletionRequest {
  @ApiProperty({ example: 'agent-42', description: 'The agent that answers: an id from GET /v1/models (`agent-<id>`).' })
  @IsString()
  @MaxLength(200)
  model!: string;

  @ApiProperty({ type: ClientMessage, isArray: true, description: `The conversation, oldest first (at most ${MAX_CLIENT_MESSAGES}); the last one must be the user's.` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CLIENT_MESSAGES)
  @IsObject({ each: true })
  messages!: ClientMessage[];

  @ApiPropertyOptional({ type: Boolean, nullable: true, default: false, description: 'Server-sent events in chunks (`chat.completion.chunk`), ended by `data: [DONE]`.' })
  @Nullable()
  @IsBoolean()
  stream?: boolean | null;

  @ApiPropertyOptional({ type: StreamOptions })
  @Nullable()
  @ValidateNested()
  @Type(() => StreamOptions)
  stream_options?: StreamOptions | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: 2, description: "Default: the agent's temperature." })
  @Nullable()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, description: 'Output cap, within the server cap (LLM_MAX_OUTPUT_TOKENS). Default: the server cap.' })
  @Nullable()
  @IsInt()
  @Min(1)
  max_completion_tokens?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, deprecated: true, description: 'The older name of `max_completion_tokens`.' })
  @Nullable()
  @IsInt()
  @Min(1)
  max_tokens?: number | null;

  @ApiPropertyOptional({ type: 'integer', enum: [1], description: 'Only 1: one choice per request.' })
  @Nullable()
  @Equals(1, { message: 'n must be 1: one choice per request' })
  n?: number | null;

  @ApiPropertyOptional({ enum: [1], description: 'Only 1 (nucleus sampling is not supported).' })
  @Nullable()
  @Equals(1, { message: 'top_p is not supported: leave it out (or send 1)' })
  top_p?: number | null;

  @ApiPropertyOptional({ type: ResponseFormat })
  @Nullable()
  @ValidateNested()
  @Type(() => ResponseFormat)
  response_format?: ResponseFormat | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'An end-user id of the caller; accepted and ignored.' })
  @Nullable()
  @IsString()
  @MaxLength(256)
  user?: string | null;

  @ApiPropertyOptional({ type: 'null', description: 'Not supported: refused unless null.' })
  @IsEmpty({ message: 'stop is not supported' })
  stop?: null;

  @ApiPropertyOptional({ type: 'null', description: 'Not supported (no tools): refused unless null.' })
  @IsEmpty({ message: NO_TOOLS })
  tools?: null;

  @ApiPropertyOptional({ type: 'null', description: 'Not supported (no tools): refused unless null.' })
  @IsEmpty({ message: NO_TOOLS })
  tool_choice?: null;

  @ApiPropertyOptional({ type: 'null', description: 'Not supported (no tools): refused unless null.' })
  @IsEmpty({ message: NO_TOOLS })
  functions?: null;

  @ApiPropertyOptional({ type: 'null', description: 'Not supported (no tools): refused unless null.' })
  @IsEmpty({ message: NO_TOOLS })
  function_call?: null;
}
