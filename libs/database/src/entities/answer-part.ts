/**
 * An answer's parts, in the order they happened: its text, and the tool calls
 * it made with their results. `content` stays the text alone (what the user
 * reads, what later prompts carry); the parts are the whole story.
 */
export type AnswerPart = TextPart | ToolCallPart | ToolResultPart;

/** What JSON text parses to (kept shallow: TypeORM's partial types cannot follow a recursive one). */
export type JsonValue = object | string | number | boolean | null;

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ToolCallPart {
  type: 'tool_call';
  /** The model's id for the call; its result carries the same. */
  call_id: string;
  /** The MCP server's name, or null when the model named a tool it was not offered. */
  server: string | null;
  tool: string;
  /** As the model wrote them: parsed JSON, or the raw text when it was not JSON. */
  arguments: JsonValue;
  started_at: string;
}

export interface ToolResultPart {
  type: 'tool_result';
  call_id: string;
  ok: boolean;
  /** The tool's text (capped) when ok; else why it failed, as the model was told. */
  content?: string;
  error?: string;
  truncated?: boolean;
  duration_ms: number;
}
