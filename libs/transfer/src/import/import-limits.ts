import { fail } from './read';

/** Caps of one import: a file past them is refused whole (422), before anything is written. */
export const IMPORT_LIMITS = {
  chats: 10_000,
  /** Messages (or ChatGPT nodes) in the whole file. */
  messages: 200_000,
  /** Longest branch, root to leaf. */
  depth: 10_000,
  tags: 50,
  citations: 100,
  errorChars: 10_000,
} as const;

/**
 * Orders a tree parents first and checks it: every parent is a node of it (the
 * caller checked), no cycle, no branch deeper than IMPORT_LIMITS.depth.
 * `parents` maps each node to its parent (null: a root); `where` names a node.
 * Iterative, so a hostile depth cannot overflow the stack.
 */
export function orderTree<K>(parents: Map<K, K | null>, where: (node: K) => string): K[] {
  const depth = new Map<K, number>();
  for (const start of parents.keys()) {
    const walk: K[] = [];
    const onWalk = new Set<K>();
    let node: K | null = start;
    while (node !== null && !depth.has(node)) {
      if (onWalk.has(node)) fail(where(node), 'is its own ancestor (cycle)');
      walk.push(node);
      onWalk.add(node);
      if (walk.length > IMPORT_LIMITS.depth) fail(where(start), `branch deeper than ${IMPORT_LIMITS.depth} messages`);
      node = parents.get(node) ?? null;
    }
    let base = node === null ? 0 : depth.get(node)!;
    for (let i = walk.length - 1; i >= 0; i--) {
      base += 1;
      if (base > IMPORT_LIMITS.depth) fail(where(walk[i]), `branch deeper than ${IMPORT_LIMITS.depth} messages`);
      depth.set(walk[i], base);
    }
  }
  const order = [...parents.keys()];
  // The file's own order when parents already come first (ids then keep their relative order), else by depth.
  const seen = new Set<K>();
  const parentsFirst = order.every((node) => {
    const parent = parents.get(node) ?? null;
    seen.add(node);
    return parent === null || (parent !== node && seen.has(parent));
  });
  if (parentsFirst) return order;
  const position = new Map(order.map((node, i) => [node, i]));
  return order.sort((a, b) => depth.get(a)! - depth.get(b)! || position.get(a)! - position.get(b)!);
}
