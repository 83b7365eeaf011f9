import { modelToolName } from './tool-names';

describe('modelToolName', () => {
  it('prefixes the server, keeps only [A-Za-z0-9_-] and 64 characters', () => {
    expect(modelToolName('everything', 'get-sum')).toBe('everything__get-sum');
    expect(modelToolName('files', 'read.file/v2 ü')).toBe('files__read_file_v2__');
    expect(modelToolName('s', 'x'.repeat(100))).toHaveLength(64);
  });
});
