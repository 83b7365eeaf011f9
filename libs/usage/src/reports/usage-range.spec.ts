import { ValidationError } from '#common';
import { startOfUtcDay, startOfUtcMonth, usageRange } from './usage-range';

describe('usage report range', () => {
  const now = new Date('2026-11-30T13:05:00.000Z');

  it('defaults to this UTC month so far', () => {
    expect(usageRange({}, now)).toEqual({ from: new Date('2026-11-01T00:00:00Z'), to: now });
  });

  it('reads dates as whole UTC days, `to` included', () => {
    expect(usageRange({ from: '2026-10-01', to: '2026-10-31' }, now)).toEqual({
      from: new Date('2026-10-01T00:00:00Z'),
      to: new Date('2026-11-01T00:00:00Z'),
    });
  });

  it('reads date-times as instants, UTC without an offset, `to` exclusive', () => {
    expect(usageRange({ from: '2026-11-02T09:00', to: '2026-11-02T12:00:00+02:00' }, now)).toEqual({
      from: new Date('2026-11-02T09:00:00Z'),
      to: new Date('2026-11-02T10:00:00Z'),
    });
  });

  it('refuses an empty or reversed range', () => {
    expect(() => usageRange({ from: '2026-11-02T10:00Z', to: '2026-11-02T10:00Z' }, now)).toThrow(ValidationError);
    expect(() => usageRange({ to: '2026-10-15' }, now)).toThrow(ValidationError);
  });

  it('starts days and months in UTC', () => {
    expect(startOfUtcDay(new Date('2026-11-30T23:59:59+05:00'))).toEqual(new Date('2026-11-30T00:00:00Z'));
    expect(startOfUtcMonth(new Date('2026-12-01T00:30:00+01:00'))).toEqual(new Date('2026-11-01T00:00:00Z'));
  });
});
