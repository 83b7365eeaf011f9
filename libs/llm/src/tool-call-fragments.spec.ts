import { ToolCallFragments } from './tool-call-fragments';

describe('ToolCallFragments', () => {
  it('joins OpenAI-style fragments by index: id and name first, arguments spread after', () => {
    const calls = new ToolCallFragments();
    calls.add([{ index: 0, id: 'a', function: { name: 'add', arguments: '{"a":' } }]);
    calls.add([{ index: 1, id: 'b', function: { name: 'echo', arguments: '' } }]);
    calls.add([{ index: 0, function: { arguments: '1}' } }, { index: 1, function: { arguments: '{}' } }]);
    expect(calls.take()).toEqual([
      { id: 'a', name: 'add', arguments: '{"a":1}' },
      { id: 'b', name: 'echo', arguments: '{}' },
    ]);
    expect(calls.pending).toBe(false);
  });

  it('takes whole calls without an index (Mistral) in the order given', () => {
    const calls = new ToolCallFragments();
    calls.add([
      { id: 'x1', function: { name: 'add', arguments: '{"a":1}' } },
      { id: 'x2', function: { name: 'add', arguments: '{"a":2}' } },
    ]);
    expect(calls.take().map((call) => call.arguments)).toEqual(['{"a":1}', '{"a":2}']);
  });

  it('keeps the first name when a server repeats it, and names a call without id after its index', () => {
    const calls = new ToolCallFragments();
    calls.add([{ index: 3, function: { name: 'add', arguments: '{' } }]);
    calls.add([{ index: 3, function: { name: 'add', arguments: '}' } }]);
    expect(calls.take()).toEqual([{ id: 'call_3', name: 'add', arguments: '{}' }]);
  });
});
