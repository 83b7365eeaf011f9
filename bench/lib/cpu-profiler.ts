/**
 * Preloaded into the API by the bench (`node -r dist/bench/lib/cpu-profiler.js`)
 * when BENCH_CPU_PROFILE names a file: the first SIGWINCH starts V8's CPU
 * profiler, the next writes the profile to that file (SIGWINCH, as Nest's
 * shutdown hooks take SIGUSR2 and Node SIGUSR1). So a profile covers
 * exactly the phase the bench drives, on a running API. (`--cpu-prof` writes
 * only at a normal exit, and Nest ends on SIGTERM by re-raising the signal.)
 * Without BENCH_CPU_PROFILE it does nothing.
 */
import { Session } from 'node:inspector';
import { renameSync, writeFileSync } from 'node:fs';

const file = process.env.BENCH_CPU_PROFILE;
// Only the process the bench started: cluster workers inherit the preload, not the signal.
if (file && !process.env.BENCH_CPU_PROFILE_CHILD) {
  process.env.BENCH_CPU_PROFILE_CHILD = '1';
  const session = new Session();
  session.connect();
  let running = false;
  process.on('SIGWINCH', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start', () => writeFileSync(`${file}.started`, ''))),
      );
      return;
    }
    session.post('Profiler.stop', (error, result) => {
      running = false;
      // Written aside then renamed, so that the bench never reads half a file.
      writeFileSync(`${file}.part`, error ? JSON.stringify({ error: error.message }) : JSON.stringify(result.profile));
      renameSync(`${file}.part`, file);
    });
  });
}
