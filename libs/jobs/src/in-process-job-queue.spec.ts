import { InProcessJobQueue } from './in-process-job-queue';
import { JOB_CONCURRENCY, JobHandler } from './job.types';
import type { JobRegistry } from './job-registry';

describe('InProcessJobQueue', () => {
  it(`runs at most ${JOB_CONCURRENCY} jobs at once and every job in the end`, async () => {
    let active = 0;
    let peak = 0;
    const done: number[] = [];
    const handler: JobHandler<number> = {
      name: 'slow',
      handle: async (n) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 20));
        active--;
        done.push(n);
      },
    };
    const registry = { handlers: () => new Map([['slow', handler as JobHandler]]) } as unknown as JobRegistry;
    const queue = new InProcessJobQueue(registry);
    for (let n = 0; n < 12; n++) await queue.enqueue('slow', n);
    await queue.onApplicationShutdown();

    expect(peak).toBe(JOB_CONCURRENCY);
    expect(done.sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
  });
});
