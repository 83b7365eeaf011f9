import { countTokens } from '#text';
import type { ChatMessage } from '#llm';
import { CUT_TO_FIT, fitToolResults } from './fit-tool-results';

const tool = (id: string, content: string): ChatMessage => ({ role: 'tool', tool_call_id: id, content });

describe('fitToolResults', () => {
  it('keeps results that fit whole', () => {
    const results = [tool('a', 'The sum of 2 and 3 is 5.'), tool('b', 'Error: cancelled')];
    expect(fitToolResults(results, 1000, countTokens)).toBe(results);
  });

  it('cuts every result to the same share of its text, marked, so that together they fit', () => {
    const results = [tool('a', 'word '.repeat(4000)), tool('b', 'mot '.repeat(1000))];
    const fitted = fitToolResults(results, 1000, countTokens);
    const texts = fitted.map((message) => String(message.content));
    expect(texts.every((text) => text.endsWith(CUT_TO_FIT))).toBe(true);
    expect(texts.reduce((sum, text) => sum + countTokens(text.slice(0, -CUT_TO_FIT.length)), 0)).toBeLessThanOrEqual(1000);
    // The same share of each: the longer result keeps about four times the text of the shorter.
    const kept = texts.map((text) => text.length - CUT_TO_FIT.length);
    expect(kept[0] / 'word '.length / (kept[1] / 'mot '.length)).toBeCloseTo(4, 0);
    expect(fitted.map((message) => message.tool_call_id)).toEqual(['a', 'b']);
  });

  it('leaves only the mark when there is no room at all', () => {
    expect(fitToolResults([tool('a', 'x'.repeat(100))], 0, countTokens).map((m) => m.content)).toEqual([CUT_TO_FIT]);
  });
});
