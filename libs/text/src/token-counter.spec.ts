import { countTokens, MESSAGE_OVERHEAD_TOKENS } from './token-counter';

describe('countTokens', () => {
  it('counts ordinary text exactly (cl100k) plus the message overhead', () => {
    expect(countTokens('Bonjour à tous')).toBeGreaterThan(MESSAGE_OVERHEAD_TOKENS + 2);
    expect(countTokens('')).toBe(MESSAGE_OVERHEAD_TOKENS);
  });

  it('estimates long runs without a break instead of encoding them (quadratic in the encoder)', () => {
    // 32,000 characters with no space: a message at MESSAGE_MAX_CHARS; encoded whole it blocks for minutes.
    const cjk = '会议记录'.repeat(8_000);
    const base64 = 'QUJD'.repeat(8_000) + ' suite';
    const estimate = (text: string) => Buffer.byteLength(text) / 2;
    expect(countTokens(cjk) - MESSAGE_OVERHEAD_TOKENS - estimate(cjk)).toBeLessThanOrEqual(1);
    expect(countTokens(base64) - MESSAGE_OVERHEAD_TOKENS - estimate('QUJD'.repeat(8_000))).toBeLessThanOrEqual(3);
  });
});
