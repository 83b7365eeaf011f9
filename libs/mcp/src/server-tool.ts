/** A tool as its server lists it (the parts offered to the model). */
export interface ServerTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export type HealthState = 'connected' | 'connecting' | 'failed' | 'disabled';

/** How a server's connection stands on this instance. */
export interface ServerHealth {
  state: HealthState;
  /** Why it failed, short, never a secret. */
  error: string | null;
  tools_count: number;
  /** When it last connected or failed; null before the first try. */
  checked_at: Date | null;
}
