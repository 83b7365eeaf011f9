import type { LlmProvider } from '../llm.types';

/** One place a request may go: an endpoint and the model it serves there. */
export interface RouteTarget {
  provider: LlmProvider;
  model: string;
}

/**
 * Where a request for `model` may be served, in the order to try: the
 * endpoints serving it (by priority; equal priorities shuffled by weight),
 * then those of each fallback model in turn.
 */
export interface ModelRoute {
  model: string;
  targets: RouteTarget[];
}
