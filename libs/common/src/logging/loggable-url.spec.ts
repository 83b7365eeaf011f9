import { loggableUrl } from './loggable-url';

describe('loggableUrl', () => {
  it('hides a share token, for reads and forks, and keeps the rest', () => {
    const token = 'A'.repeat(43);
    expect(loggableUrl(`/api/shared/${token}`)).toBe('/api/shared/[redacted]');
    expect(loggableUrl(`/api/shared/${token}/fork?x=1`)).toBe('/api/shared/[redacted]/fork?x=1');
    expect(loggableUrl('/api/chats/12/shares')).toBe('/api/chats/12/shares');
    expect(loggableUrl('/api/shares/3')).toBe('/api/shares/3');
  });
});
