import { parseMemories } from './memory-learning.job';

describe('parseMemories', () => {
  it('reads a JSON array of sentences', () => {
    expect(parseMemories('["Works in Lyon.", "Prefers tea."]')).toEqual(['Works in Lyon.', 'Prefers tea.']);
  });

  it('finds the array inside code fences or prose', () => {
    expect(parseMemories('```json\n["Works in Lyon."]\n```')).toEqual(['Works in Lyon.']);
    expect(parseMemories('Here is what I noted: ["Leads the billing project."] Hope it helps.')).toEqual(['Leads the billing project.']);
  });

  it('is empty when there is nothing to remember or nothing readable', () => {
    for (const answer of ['[]', '', 'Nothing worth remembering.', '[not json]', '["unterminated', '{"facts": "none"}']) {
      expect(parseMemories(answer)).toEqual([]);
    }
  });

  it('keeps only non-empty strings, trimmed', () => {
    expect(parseMemories('["  Likes short answers.  ", 42, null, "", "   ", {"a": 1}, ["nested"], "Speaks French."]')).toEqual([
      'Likes short answers.',
      'Speaks French.',
    ]);
  });

  it('keeps at most 5 memories of at most 300 characters each', () => {
    const many = JSON.stringify(Array.from({ length: 8 }, (_, i) => `Fact ${i + 1}.`));
    expect(parseMemories(many)).toEqual(['Fact 1.', 'Fact 2.', 'Fact 3.', 'Fact 4.', 'Fact 5.']);
    const [long] = parseMemories(JSON.stringify(['x'.repeat(1000)]));
    expect(long).toHaveLength(300);
  });
});
