import { INT4_MAX } from '#common';
import { parseLastEventId } from './last-event-id';

describe('parseLastEventId', () => {
  it('reads <message_id>:<seq>, or a bare seq that leaves the message open', () => {
    expect(parseLastEventId('42:7')).toEqual({ messageId: 42, seq: 7 });
    expect(parseLastEventId('7')).toEqual({ messageId: undefined, seq: 7 });
    expect(parseLastEventId('0:0')).toEqual({ messageId: 0, seq: 0 });
    expect(parseLastEventId('  42:7 ')).toEqual({ messageId: 42, seq: 7 });
  });

  it.each(['', ' ', 'abc', '42:', ':7', '1:2:3', '-1', '4.2', '42: 7', '0x10', '1e3', '٣'])('refuses %j', (value) => {
    expect(parseLastEventId(value)).toBeUndefined();
  });

  it('refuses anything but a single string (a repeated header arrives as an array)', () => {
    for (const value of [undefined, null, 7, ['42:7'], { seq: 7 }]) expect(parseLastEventId(value)).toBeUndefined();
  });

  it('keeps a message id within its int4 column', () => {
    expect(parseLastEventId(`${INT4_MAX}:1`)).toEqual({ messageId: INT4_MAX, seq: 1 });
    expect(parseLastEventId(`${INT4_MAX + 1}:1`)).toBeUndefined();
    expect(parseLastEventId('12345678901:1')).toBeUndefined();
  });

  it('accepts a seq up to MAX_SAFE_INTEGER (an ended answer’s final event), not beyond', () => {
    expect(parseLastEventId(`5:${Number.MAX_SAFE_INTEGER}`)).toEqual({ messageId: 5, seq: Number.MAX_SAFE_INTEGER });
    expect(parseLastEventId(`5:${Number.MAX_SAFE_INTEGER + 1}`)).toBeUndefined();
    expect(parseLastEventId('5:12345678901234567')).toBeUndefined();
  });
});
