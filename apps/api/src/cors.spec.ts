import type { Logger } from '@nestjs/common';
import type { AppConfig } from '#config';
import { corsOrigin } from './cors';

function check(appEnv: AppConfig['appEnv'], corsOrigins: string[]) {
  const warnings: string[] = [];
  const logger = { warn: (message: string) => warnings.push(message) } as unknown as Logger;
  const allow = corsOrigin({ appEnv, corsOrigins } as AppConfig, logger);
  const allows = (origin: string | undefined) => {
    let result: boolean | undefined;
    allow(origin, (_error, allowed) => (result = allowed));
    return result;
  };
  return { allows, warnings };
}

describe('corsOrigin', () => {
  it('allows any localhost / 127.0.0.1 port in development, plus CORS_ORIGINS', () => {
    const { allows } = check('development', ['https://app.example']);
    for (const origin of ['http://localhost:5173', 'http://localhost:3000', 'http://127.0.0.1:8080', 'http://localhost', 'https://app.example', undefined]) {
      expect(allows(origin)).toBe(true);
    }
    for (const origin of ['https://localhost:5173', 'http://localhost.evil.example', 'http://127.0.0.1.evil.example:80', 'http://10.0.0.2:5173', 'null']) {
      expect(allows(origin)).toBe(false);
    }
  });

  it('allows only CORS_ORIGINS in production, and logs each refused origin once, naming the variable', () => {
    const { allows, warnings } = check('production', ['https://app.example']);
    expect(allows('https://app.example')).toBe(true);
    expect(allows('http://localhost:5173')).toBe(false);
    expect(allows('http://localhost:5173')).toBe(false);
    expect(allows('https://other.example')).toBe(false);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('http://localhost:5173');
    expect(warnings[0]).toContain('CORS_ORIGINS');
  });

  it('allows every origin with CORS_ORIGINS=*', () => {
    expect(check('test', ['*']).allows('https://anything.example')).toBe(true);
  });
});
