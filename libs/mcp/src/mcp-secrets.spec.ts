import { loadConfig } from '#config';
import { McpSecrets } from './mcp-secrets';

describe('McpSecrets', () => {
  const config = (env: Record<string, string>) => loadConfig({ JWT_SECRET_KEY: 'j'.repeat(40), ...env }, '/srv');

  it('seals values so that the stored text does not show them, and opens them again', () => {
    const secrets = new McpSecrets(config({}));
    const sealed = secrets.seal({ Authorization: 'Bearer top-secret' })!;
    expect(sealed).not.toContain('top-secret');
    expect(secrets.open(sealed)).toEqual({ Authorization: 'Bearer top-secret' });
    expect(secrets.seal({})).toBeNull();
    expect(secrets.open(null)).toEqual({});
  });

  it('refuses a value sealed under another key (MCP_SECRET_KEY) or altered', () => {
    const sealed = new McpSecrets(config({})).seal({ TOKEN: 'abc' })!;
    expect(() => new McpSecrets(config({ MCP_SECRET_KEY: 'm'.repeat(32) })).open(sealed)).toThrow();
    const [version, iv, tag, data] = sealed.split(':');
    const flipped = Buffer.from(data, 'base64url');
    flipped[0] ^= 1;
    expect(() => new McpSecrets(config({})).open([version, iv, tag, flipped.toString('base64url')].join(':'))).toThrow();
  });
});
