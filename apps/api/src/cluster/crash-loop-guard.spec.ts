import { CrashLoopGuard, EARLY_DEATH_MS, MAX_EARLY_DEATHS } from './crash-loop-guard';

describe('CrashLoopGuard', () => {
  it('replaces workers that crash after running a while, however many', () => {
    const guard = new CrashLoopGuard();
    for (let i = 0; i < 10; i++) expect(guard.shouldReplace(EARLY_DEATH_MS + 1)).toBe(true);
  });

  it(`gives up after ${MAX_EARLY_DEATHS} deaths in a row soon after start`, () => {
    const guard = new CrashLoopGuard();
    const verdicts = Array.from({ length: MAX_EARLY_DEATHS }, () => guard.shouldReplace(500));
    expect(verdicts).toEqual([...Array<boolean>(MAX_EARLY_DEATHS - 1).fill(true), false]);
  });

  it('starts counting again after a worker that lived', () => {
    const guard = new CrashLoopGuard();
    for (let i = 0; i < MAX_EARLY_DEATHS - 1; i++) guard.shouldReplace(100);
    expect(guard.shouldReplace(EARLY_DEATH_MS * 2)).toBe(true);
    for (let i = 0; i < MAX_EARLY_DEATHS - 1; i++) expect(guard.shouldReplace(100)).toBe(true);
  });
});
