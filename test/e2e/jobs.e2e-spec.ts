import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createWorker } from '../../apps/worker/src/create-worker';
import { Session, User } from '#database';
import { JOB_QUEUE, JobQueue, usesWorker } from '#jobs';
import { SESSION_CLEANUP_JOB } from '#sessions';
import { startTestApp, TestApp } from '../support/test-app';

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Background jobs: session cleanup', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    t = await startTestApp();
    // With Redis and PostgreSQL the jobs run in apps/worker: boot it as production does.
    if (usesWorker(t.config)) worker = await createWorker(t.config);
  });
  afterAll(async () => {
    await worker?.close();
    await t.close();
  });

  it('deletes expired and long-revoked sessions and keeps live ones', async () => {
    const dataSource = t.app.get(DataSource);
    const user = await dataSource
      .getRepository(User)
      .save({ email: 'jobs@example.com', trigramme: 'JOB', hashed_password: 'x' });
    const day = 86_400_000;
    const sessions = dataSource.getRepository(Session);
    const make = (expiresIn: number, revokedAgo?: number) =>
      sessions.save({
        id: randomUUID(),
        user_id: user.id,
        user_agent: 'jest',
        ip: '127.0.0.1',
        expires_at: new Date(Date.now() + expiresIn),
        revoked_at: revokedAgo === undefined ? null : new Date(Date.now() - revokedAgo),
      });
    const expired = await make(-1000);
    const live = await make(day);
    const oldRevoked = await make(day, 8 * day);
    const recentlyRevoked = await make(day, day);

    await t.app.get<JobQueue>(JOB_QUEUE).enqueue(SESSION_CLEANUP_JOB, {});

    await waitFor(async () => (await sessions.countBy({ id: expired.id })) === 0);
    await waitFor(async () => (await sessions.countBy({ id: oldRevoked.id })) === 0);
    const left = (await sessions.find()).map((session) => session.id).sort();
    expect(left).toEqual([live.id, recentlyRevoked.id].sort());
  });
});
