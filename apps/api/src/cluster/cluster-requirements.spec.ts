import { loadConfig, StartupError } from '#config';
import { checkClusterRequirements } from './cluster-requirements';

const SERVERS = { DATABASE_URL: 'postgresql://db/foyer', REDIS_URL: 'redis://cache:6379' };

describe('checkClusterRequirements', () => {
  it('lets one process run on anything, several on PostgreSQL and Redis', () => {
    expect(() => checkClusterRequirements(loadConfig({}))).not.toThrow();
    expect(() => checkClusterRequirements(loadConfig({ ...SERVERS, WEB_CONCURRENCY: '4' }))).not.toThrow();
  });

  it('refuses several workers without Redis or PostgreSQL, naming what to set', () => {
    const refusal = (env: Record<string, string>) => {
      try {
        checkClusterRequirements(loadConfig({ WEB_CONCURRENCY: '2', ...env }));
      } catch (error) {
        expect(error).toBeInstanceOf(StartupError);
        return (error as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refusal({ DATABASE_URL: SERVERS.DATABASE_URL })).toMatch(/WEB_CONCURRENCY=2 .*: set REDIS_URL, or set WEB_CONCURRENCY=1$/);
    expect(refusal({ REDIS_URL: SERVERS.REDIS_URL })).toMatch(/: set DATABASE_URL, or set WEB_CONCURRENCY=1$/);
    expect(refusal({})).toMatch(/: set REDIS_URL and DATABASE_URL, or/);
  });
});
