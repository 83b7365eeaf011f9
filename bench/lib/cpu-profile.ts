import { existsSync, readFileSync, rmSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` read here. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileShare {
  name: string;
  /** Percent of the busy (non-idle) samples spent in it, itself (not its callees). */
  pct: number;
}

export interface ProfileSummary {
  /** What the API was doing while profiled. */
  phase: string;
  wall_ms: number;
  /** Percent of the wall time the API's thread was not idle. */
  busy_pct: number;
  /** Self time grouped by where the code lives: a package, one of our libs, Node's internals, native calls, GC. */
  by_origin: ProfileShare[];
  by_function: ProfileShare[];
}

/** Where a frame's code lives: `pg`, `libs/messages`, `node:internal/streams`, `(native) writev`, `(garbage collector)`. */
function origin(frame: { functionName: string; url: string }): string {
  const url = frame.url.replace(/^file:\/\//, '');
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : `(native) ${frame.functionName || 'anonymous'}`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const ours = /\/dist\/(libs|apps|bench)\/([^/]+)\//.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url;
}

function shortPlace(frame: { functionName: string; url: string; lineNumber: number }): string {
  const url = frame.url.replace(/^file:\/\//, '');
  const place = url.includes('/node_modules/') ? url.slice(url.lastIndexOf('/node_modules/') + 14) : url.replace(/^.*\/dist\//, '');
  return `${frame.functionName || '(anonymous)'}${place ? ` ${place}:${frame.lineNumber + 1}` : ''}`;
}

function top(totals: Map<string, number>, busy: number, count: number): ProfileShare[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, pct: Number(((us / busy) * 100).toFixed(1)) }));
}

/** Self time of a profile's samples, by origin and by function, as shares of the busy time. */
export function summariseProfile(profile: CpuProfile, phase: string, count = 12): ProfileSummary {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byOrigin = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    // The first sample's delta is the profiler's own start (tens of ms on a large heap), charged to the call that started it.
    if (i === 0 || !frame || frame.functionName === '(idle)' || us <= 0) return;
    busy += us;
    const where = origin(frame);
    byOrigin.set(where, (byOrigin.get(where) ?? 0) + us);
    const name = shortPlace(frame);
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  });
  const wall = profile.endTime - profile.startTime - (profile.timeDeltas[0] ?? 0);
  return {
    phase,
    wall_ms: Math.round(wall / 1000),
    busy_pct: Number(((busy / Math.max(1, wall)) * 100).toFixed(1)),
    by_origin: top(byOrigin, busy, count),
    by_function: top(byFunction, busy, count),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForFile(file: string, seconds: number): Promise<void> {
  for (let i = 0; i < seconds * 20 && !existsSync(file); i++) await sleep(50);
  if (!existsSync(file)) throw new Error(`no ${file} after ${seconds} s: was the API started with the cpu-profiler preload?`);
}

/**
 * Profiles `work` in the API process `pid`, which runs with the cpu-profiler
 * preload writing to `file`, and summarises where its CPU went.
 */
export async function profileApi(pid: number, file: string, phase: string, work: () => Promise<unknown>): Promise<ProfileSummary> {
  rmSync(file, { force: true });
  rmSync(`${file}.started`, { force: true });
  process.kill(pid, 'SIGWINCH');
  await waitForFile(`${file}.started`, 10);
  await work();
  process.kill(pid, 'SIGWINCH');
  await waitForFile(file, 30);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile & { error?: string };
  rmSync(file, { force: true });
  if (profile.error) throw new Error(`the profiler failed: ${profile.error}`);
  return summariseProfile(profile, phase);
}
