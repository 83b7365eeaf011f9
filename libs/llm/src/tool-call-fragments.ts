import type { ToolCallRequest } from './llm.types';

/** One streamed piece of a tool call, as OpenAI-compatible servers send it in `delta.tool_calls`. */
export interface ToolCallFragment {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

/**
 * Gathers the streamed pieces of a reply's tool calls. OpenAI and vLLM send a
 * call's id and name in its first fragment and its arguments spread over the
 * following ones, all under the call's `index`; Mistral sends each call whole.
 * Both end up as complete calls, in index order.
 */
export class ToolCallFragments {
  private readonly calls = new Map<number, ToolCallRequest>();

  get pending(): boolean {
    return this.calls.size > 0;
  }

  add(fragments: readonly ToolCallFragment[]): void {
    for (const fragment of fragments) {
      const index = fragment.index ?? this.indexWithout(fragment);
      const call = this.calls.get(index) ?? { id: '', name: '', arguments: '' };
      if (fragment.id) call.id = fragment.id;
      // Some servers repeat the name on every fragment: the first one names the call.
      if (fragment.function?.name && !call.name) call.name = fragment.function.name;
      if (fragment.function?.arguments) call.arguments += fragment.function.arguments;
      this.calls.set(index, call);
    }
  }

  /** A server that leaves out the index starts a call with a new id; a fragment without one, or with the same, continues the last call. */
  private indexWithout(fragment: ToolCallFragment): number {
    const last = Math.max(-1, ...this.calls.keys());
    const continues = last >= 0 && (!fragment.id || this.calls.get(last)?.id === fragment.id);
    return continues ? last : last + 1;
  }

  /** The calls gathered so far, and a fresh start for the next choice. */
  take(): ToolCallRequest[] {
    const calls = [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      // The next round must name each call it answers: a server that sent no id gets one made from the index.
      .map(([index, call]) => ({ ...call, id: call.id || `call_${index}` }));
    this.calls.clear();
    return calls;
  }
}
