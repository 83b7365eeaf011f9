import { IdleTrimPolicy } from './idle-trim-policy';

const MB = 1024 * 1024;
const settings = { quietChecks: 2, maxBusyRatio: 0.05, minHeapBytes: 96 * MB, maxCollections: 2 };
const reading = (busyRatio: number, totalMb: number) => ({ busyRatio, heapTotalBytes: totalMb * MB });
const busy = (totalMb: number) => reading(0.6, totalMb);
const quiet = (totalMb: number) => reading(0.01, totalMb);

describe('IdleTrimPolicy', () => {
  it('never collects under load, however large the heap', () => {
    const policy = new IdleTrimPolicy(settings);
    expect([busy(400), busy(470), quiet(470), busy(470)].map((r) => policy.shouldCollect(r))).toEqual([false, false, false, false]);
  });

  it('collects once the process has been quiet for the checks required', () => {
    const policy = new IdleTrimPolicy(settings);
    policy.shouldCollect(busy(470));
    expect(policy.shouldCollect(quiet(470))).toBe(false);
    expect(policy.shouldCollect(quiet(470))).toBe(true);
  });

  it('collects a large heap even when V8 counts nearly all of it as used (dead objects count until collected)', () => {
    const policy = new IdleTrimPolicy(settings);
    // Read after 10,000 sends, 500 streams and a minute of idling: 300.7 of 327.5 MB "used", ~65 MB alive.
    expect([quiet(327.5), quiet(327.5)].map((r) => policy.shouldCollect(r))).toEqual([false, true]);
  });

  it('leaves a small heap alone', () => {
    const policy = new IdleTrimPolicy(settings);
    expect([quiet(80), quiet(80), quiet(80)].map((r) => policy.shouldCollect(r))).toEqual([false, false, false]);
  });

  it('collects at most maxCollections times per quiet period, and again after the next load', () => {
    const policy = new IdleTrimPolicy(settings);
    const collections = () => {
      let count = 0;
      for (let check = 0; check < 20; check++) {
        if (policy.shouldCollect(quiet(300))) {
          policy.collected();
          count++;
        }
      }
      return count;
    };
    expect(collections()).toBe(2);
    policy.shouldCollect(busy(300));
    expect(collections()).toBe(2);
  });
});
