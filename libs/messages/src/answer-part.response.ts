import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import type { JsonValue, TextPart, ToolCallPart, ToolResultPart } from '#database';

export class TextPartResponse implements TextPart {
  @ApiProperty({ enum: ['text'] }) type!: 'text';
  @ApiProperty() text!: string;
}

export class ToolCallPartResponse implements ToolCallPart {
  @ApiProperty({ enum: ['tool_call'] }) type!: 'tool_call';
  @ApiProperty({ description: "The model's id for the call; its `tool_result` carries the same." }) call_id!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The MCP server, or null when the model named a tool it was not offered (refused).' })
  server!: string | null;
  @ApiProperty() tool!: string;
  @ApiProperty({
    description: 'As the model wrote them: a JSON value (an object for a well-formed call), or the raw text when it was not JSON (refused).',
    oneOf: [{ type: 'object', additionalProperties: true }, { type: 'array', items: {} }, { type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }],
  })
  arguments!: JsonValue;
  @ApiProperty({ format: 'date-time' }) started_at!: string;
}

export class ToolResultPartResponse implements ToolResultPart {
  @ApiProperty({ enum: ['tool_result'] }) type!: 'tool_result';
  @ApiProperty() call_id!: string;
  @ApiProperty({ description: 'False: the call failed, timed out, was refused or cancelled (`error` says why, as the model was told).' }) ok!: boolean;
  @ApiPropertyOptional({ description: "The tool's result as text (capped at MCP_MAX_RESULT_BYTES), when ok." }) content?: string;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional({ description: 'The result was cut at MCP_MAX_RESULT_BYTES.' }) truncated?: boolean;
  @ApiProperty({ type: 'integer' }) duration_ms!: number;
}

export const ANSWER_PART_MODELS = [TextPartResponse, ToolCallPartResponse, ToolResultPartResponse];

/** The OpenAPI schema of `parts`: each item one of the three, told apart by `type`. */
export const ANSWER_PARTS_SCHEMA = {
  nullable: true,
  type: 'array' as const,
  items: {
    oneOf: ANSWER_PART_MODELS.map((model) => ({ $ref: getSchemaPath(model) })),
    discriminator: {
      propertyName: 'type',
      mapping: { text: getSchemaPath(TextPartResponse), tool_call: getSchemaPath(ToolCallPartResponse), tool_result: getSchemaPath(ToolResultPartResponse) },
    },
  },
  description: 'For an answer that called tools: its text and tool calls with their results, in order (also sent live as `tool_call` / `tool_result` events). Null for a text-only answer.',
};
