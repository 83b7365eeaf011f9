import { IdleTrimPolicy } from './idle-trim-policy';

const MB = 1024 * 1024;
const settings = { quietChecks: 2, maxBusyRatio: 0.05, slackBytes: 32 * MB, maxCollections: 2 };
const reading = (busyRatio: number, totalMb: number, usedMb: number) => ({ busyRatio, heapTotalBytes: totalMb * MB, heapUsedBytes: usedMb * MB });
const busy = (totalMb: number, usedMb: number) => reading(0.6, totalMb, usedMb);
const quiet = (totalMb: number, usedMb: number) => reading(0.01, totalMb, usedMb);

describe('IdleTrimPolicy', () => {
  it('never collects under load, however much the heap holds beyond its use', () => {
    const policy = new IdleTrimPolicy(settings);
    expect([busy(400, 100), busy(470, 120), quiet(470, 120), busy(470, 120)].map((r) => policy.shouldCollect(r))).toEqual([false, false, false, false]);
  });

  it('collects once the process has been quiet for the checks required', () => {
    const policy = new IdleTrimPolicy(settings);
    policy.shouldCollect(busy(470, 180));
    expect(policy.shouldCollect(quiet(470, 180))).toBe(false);
    expect(policy.shouldCollect(quiet(470, 180))).toBe(true);
  });

  it('leaves a heap that holds little beyond its use', () => {
    const policy = new IdleTrimPolicy(settings);
    expect([quiet(120, 100), quiet(120, 100), quiet(120, 100)].map((r) => policy.shouldCollect(r))).toEqual([false, false, false]);
  });

  it('collects at most maxCollections times per quiet period, and again after the next load', () => {
    const policy = new IdleTrimPolicy(settings);
    const collections = () => {
      let count = 0;
      for (let check = 0; check < 20; check++) {
        if (policy.shouldCollect(quiet(300, 60))) {
          policy.collected();
          count++;
        }
      }
      return count;
    };
    expect(collections()).toBe(2);
    policy.shouldCollect(busy(300, 200));
    expect(collections()).toBe(2);
  });
});
