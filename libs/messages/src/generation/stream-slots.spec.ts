import { TooManyRequestsError } from '#common';
import type { AppConfig } from '#config';
import { StreamSlots } from './stream-slots';

describe('StreamSlots', () => {
  const slots = () => new StreamSlots({ limits: { streamsPerUser: 2 } } as AppConfig);

  it('gives each user up to the limit, then refuses with 429 saying the limit', () => {
    const streams = slots();
    streams.take(1);
    streams.take(1);
    expect(() => streams.take(1)).toThrow(TooManyRequestsError);
    expect(() => streams.take(1)).toThrow(/at most 2/);
    expect(() => streams.take(2)).not.toThrow();
  });

  it('frees a slot once per release, however often the release is called', () => {
    const streams = slots();
    const release = streams.take(1);
    streams.take(1);
    release();
    release();
    streams.take(1);
    expect(() => streams.take(1)).toThrow(TooManyRequestsError);
  });
});
