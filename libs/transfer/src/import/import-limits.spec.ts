import { exportFilename } from '../export/present';
import { orderTree } from './import-limits';
import { ImportProblem } from './read';

describe('orderTree', () => {
  const where = (node: string) => `mapping["${node}"].parent`;

  it("keeps the file's order when parents come first, else orders by depth", () => {
    expect(orderTree(new Map([['a', null], ['b', 'a'], ['c', 'a']]), where)).toEqual(['a', 'b', 'c']);
    expect(orderTree(new Map([['c', 'b'], ['b', 'a'], ['a', null], ['d', null]]), where)).toEqual(['a', 'd', 'b', 'c']);
  });

  it('names the node closing a cycle, a self-parent included', () => {
    expect(() => orderTree(new Map([['a', 'b'], ['b', 'a']]), where)).toThrow(new ImportProblem('mapping["a"].parent', 'is its own ancestor (cycle)'));
    expect(() => orderTree(new Map([['a', 'a']]), where)).toThrow(ImportProblem);
  });

  it('refuses a branch deeper than the cap without recursion', () => {
    const chain = new Map<number, number | null>([[0, null]]);
    for (let i = 1; i <= 10_000; i++) chain.set(i, i - 1);
    expect(() => orderTree(chain, (n) => `#${n}`)).toThrow('#10000: branch deeper than 10000 messages');
  });
});

describe('exportFilename', () => {
  it('is ASCII, from the title', () => {
    expect(exportFilename(7, 'Pâte à "pain"; \r\n été', 'md')).toBe('foyergpt-chat-7-pate-a-pain-ete.md');
    expect(exportFilename(7, '日本', 'json')).toBe('foyergpt-chat-7.json');
  });
});
