/** A worker that dies this soon after it was started is failing to run, not crashing now and then. */
export const EARLY_DEATH_MS = 10_000;
/** Early deaths in a row after which replacing workers is given up. */
export const MAX_EARLY_DEATHS = 3;

/**
 * Tells a worker that crashes now and then (replace it) from one that cannot
 * run (a bad deploy, a dependency gone): after MAX_EARLY_DEATHS workers in a
 * row died within EARLY_DEATH_MS of their start, the primary stops, with the
 * reason, instead of forking forever.
 */
export class CrashLoopGuard {
  private earlyDeathsInARow = 0;

  /** Records a death; returns true while replacing the worker is still worth it. */
  shouldReplace(livedMs: number): boolean {
    this.earlyDeathsInARow = livedMs < EARLY_DEATH_MS ? this.earlyDeathsInARow + 1 : 0;
    return this.earlyDeathsInARow < MAX_EARLY_DEATHS;
  }
}
