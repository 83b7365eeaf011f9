import { engineSid, workerOfSid } from './engine-sid';

describe('engine session ids', () => {
  it('carry the worker index and stay URL-safe and unguessable', () => {
    const sids = [0, 7, 63].map(engineSid);
    expect(sids.map(workerOfSid)).toEqual([0, 7, 63]);
    for (const sid of sids) expect(encodeURIComponent(sid)).toBe(sid);
    expect(new Set(Array.from({ length: 100 }, () => engineSid(1))).size).toBe(100);
  });

  it('name no worker for ids made elsewhere', () => {
    for (const sid of ['', 'abc', 'AbCdEf12345678901234', '.x', '1.', '123.x', '1.a/b']) expect(workerOfSid(sid)).toBeUndefined();
  });
});
