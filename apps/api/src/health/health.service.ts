import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '../../../../libs/redis/src';

export type CheckStatus = 'up' | 'down' | 'disabled';

export interface Readiness {
  ready: boolean;
  checks: { database: CheckStatus; redis: CheckStatus };
}

const CHECK_TIMEOUT_MS = 2000;

async function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function probe(check: () => Promise<unknown>): Promise<CheckStatus> {
  try {
    await withTimeout(check());
    return 'up';
  } catch {
    return 'down';
  }
}

@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  async readiness(): Promise<Readiness> {
    const redis = this.redis;
    const [database, redisStatus] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      redis ? probe(() => redis.ping()) : Promise.resolve<CheckStatus>('disabled'),
    ]);
    return {
      ready: database === 'up' && redisStatus !== 'down',
      checks: { database, redis: redisStatus },
    };
  }
}
