type Results = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the JSON this run wrote

export interface TargetRow {
  figure: string;
  result: string;
  target: string;
  /** null: not measured in this run (quick levels, phase skipped, part absent). */
  ok: boolean | null;
}

const cell = (value: unknown) => (value === null || value === undefined ? 'n/a' : String(value));
const both = (a: unknown, b: unknown, unit = ' ms') => `${cell(a)} / ${cell(b)}${unit}`;
const within = (limit: number, ...values: unknown[]) => (values.some((v) => typeof v !== 'number') ? null : values.every((v) => (v as number) <= limit));
export const mark = (ok: boolean | null, target = '') => (ok === null ? (target === '(reference)' ? '' : 'n/a') : ok ? 'met' : '**missed**');

/** The resource comparison level for WEB_CONCURRENCY: 500 in a full run, else the largest level both ran. */
function clusterLevel(f: Results): { single?: Results; clustered?: Results; concurrency?: number } {
  const clusteredLevels: Results[] = f.clustered?.streaming?.levels ?? [];
  const shared = clusteredLevels.map((l) => l.concurrency).filter((n: number) => f.steady.levels.some((l: Results) => l.concurrency === n));
  const concurrency = shared.includes(500) ? 500 : shared.length ? Math.max(...shared) : undefined;
  return {
    concurrency,
    single: f.steady.levels.find((l: Results) => l.concurrency === concurrency),
    clustered: clusteredLevels.find((l) => l.concurrency === concurrency),
  };
}

/** Not a target: the bare relay's CPU per answer, the floor the CPU target sits against on this machine. */
function floorRow(floor: Results | undefined): TargetRow {
  const figure = `floor of this machine: a bare relay's CPU per 50-token answer, ${cell(floor?.concurrency)} conversations (one read and one write per token, nothing else)`;
  return { figure, result: floor ? `${cell(floor.cpu?.api_ms_per_answer)} ms` : 'not run', target: '(reference)', ok: null };
}

/** Issue 20's done-when figures, each beside its target; fast upstream unless said otherwise. */
export function headlineTargets(r: Results): TargetRow[] {
  const f = r.fast_upstream;
  const rows: TargetRow[] = [];
  if (f) {
    const one = f.one_at_a_time;
    const boot = f.first_after_boot;
    const burst = f.all_at_once;
    const at200 = f.steady.levels.find((l: Results) => l.concurrency === 200);
    rows.push(
      { figure: 'one conversation, warm: added TTFT p50 (SSE / Socket.IO)', result: both(one.sse_added_p50_ms, one.socket_added_p50_ms), target: '≤ 5 ms', ok: within(5, one.sse_added_p50_ms, one.socket_added_p50_ms) },
      { figure: `first send after boot: added TTFT (median of ${boot.boots.length} boots, SSE)`, result: `${cell(boot.added_ttft_p50_ms)} ms`, target: '≤ 15 ms', ok: within(15, boot.added_ttft_p50_ms) },
      { figure: `${burst.concurrency} at once: added TTFT p50 (SSE / Socket.IO)`, result: both(burst.sse_added_p50_ms, burst.socket_added_p50_ms), target: '≤ 50 ms', ok: within(50, burst.sse_added_p50_ms, burst.socket_added_p50_ms) },
      { figure: `${burst.concurrency} at once: added TTFT p99 (SSE / Socket.IO)`, result: both(burst.sse_added_p99_ms, burst.socket_added_p99_ms), target: '≤ 150 ms', ok: within(150, burst.sse_added_p99_ms, burst.socket_added_p99_ms) },
      at200
        ? { figure: 'API CPU per 50-token answer, 200 conversations (SSE / Socket.IO)', result: both(at200.sse.cpu?.api_ms_per_answer, at200.socket.cpu?.api_ms_per_answer), target: '≤ 2 ms', ok: within(2, at200.sse.cpu?.api_ms_per_answer, at200.socket.cpu?.api_ms_per_answer) }
        : { figure: 'API CPU per 50-token answer, 200 conversations', result: 'not run (quick)', target: '≤ 2 ms', ok: null },
      floorRow(f.relay_floor),
      at200
        ? { figure: 'steady state: added TTFT p99, 200 conversations (SSE / Socket.IO)', result: both(at200.sse.added_ttft_p99_ms, at200.socket.added_ttft_p99_ms), target: '≤ 15 ms', ok: within(15, at200.sse.added_ttft_p99_ms, at200.socket.added_ttft_p99_ms) }
        : { figure: 'steady state: added TTFT p99, 200 conversations', result: 'not run (quick)', target: '≤ 15 ms', ok: null },
    );
    const c = clusterLevel(f);
    if (f.clustered?.failed) {
      rows.push({ figure: 'WEB_CONCURRENCY=2 against 1: answers/s at 500 conversations', result: `failed: ${f.clustered.failed}`, target: 'more, 0 lost or reordered', ok: false });
    } else if (f.clustered?.skipped || !c.single || !c.clustered) {
      rows.push({ figure: 'WEB_CONCURRENCY=2 against 1: answers/s at 500 conversations', result: `not run: ${f.clustered?.skipped ?? 'no common level'}`, target: 'more, 0 lost or reordered', ok: null });
    } else {
      const rate = (l: Results, transport: 'sse' | 'socket') => l[transport].cpu?.answers_per_s;
      const lost = c.clustered.sse.lost_or_reordered + c.clustered.socket.lost_or_reordered;
      const faster = (['sse', 'socket'] as const).every((t) => rate(c.clustered!, t) > rate(c.single!, t));
      rows.push({
        figure: `WEB_CONCURRENCY=2 against 1: answers/s at ${c.concurrency} conversations (SSE / Socket.IO)`,
        result: `${both(rate(c.clustered, 'sse'), rate(c.clustered, 'socket'), '')} against ${both(rate(c.single, 'sse'), rate(c.single, 'socket'), '')}; ${lost} lost or reordered`,
        target: 'more, 0 lost or reordered',
        ok: faster && lost === 0,
      });
    }
  }
  const memory = r.memory_after_idle;
  rows.push({
    figure: memory ? `RSS after ${memory.idle_seconds} s idle following the heavy phases (API, all processes)` : 'RSS after idling following the heavy phases',
    result: memory ? `${cell(memory.after_idle_mb)} MB` : 'not run',
    target: '≤ 300 MB',
    ok: memory ? within(300, memory.after_idle_mb) : null,
  });
  const chunking: Record<string, number> | undefined = r.chunking;
  const slowest = chunking ? Object.entries(chunking).sort((a, b) => b[1] - a[1])[0] : undefined;
  rows.push({
    figure: slowest ? `60k-word chunking, slowest text shape (${slowest[0]})` : '60k-word chunking',
    result: slowest ? `${slowest[1]} s` : 'not run',
    target: '≤ 0.3 s',
    ok: slowest ? slowest[1] <= 0.3 : null,
  });
  if (f) {
    const steadyLost = (levels: Results[] = []) => levels.reduce((n, l) => n + l.sse.lost_or_reordered + l.socket.lost_or_reordered, 0);
    const lost = f.first_after_boot.lost_or_reordered + f.one_at_a_time.lost_or_reordered + f.all_at_once.lost_or_reordered + steadyLost(f.steady.levels) + steadyLost(f.clustered?.streaming?.levels);
    rows.push({ figure: 'lost or reordered tokens, every fast-upstream phase', result: String(lost), target: '0', ok: lost === 0 });
  }
  return rows;
}

/** True when a fast-upstream target of a warm API (all but the first send after boot) is missed: the steady-state profile can explain it. */
export function warmTargetMissed(fastUpstream: Results): boolean {
  return headlineTargets({ fast_upstream: fastUpstream }).some((row) => row.ok === false && !/RSS|chunking|after boot/.test(row.figure));
}

function table(header: string[], rows: unknown[][]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`), ''];
}

/** The summary at the top of BENCHMARKS.md: every target of this run, one line each. */
export function targetsSummary(r: Results): string[] {
  return [
    '## Targets',
    '',
    ...table(['figure', 'result', 'target', 'status'], headlineTargets(r).map((t) => [t.figure, t.result, t.target, mark(t.ok, t.target)])),
  ];
}

function addedRows(label: string, a: Results): unknown[] {
  return [label, a.answers, both(a.direct_ttft_p50_ms, a.direct_ttft_p99_ms, ''), both(a.sse_added_p50_ms, a.sse_added_p99_ms, ''), both(a.socket_added_p50_ms, a.socket_added_p99_ms, ''), a.lost_or_reordered];
}

function steadyTable(levels: Results[]): string[] {
  return table(
    ['conversations', 'direct TTFT p50/p99 ms', 'SSE added TTFT p50/p99 ms', 'Socket.IO added TTFT p50/p99 ms', 'answers/s direct / SSE / Socket.IO', 'API CPU per answer ms SSE / Socket.IO', 'API CPU % (SSE / Socket.IO)', 'relay ratio SSE / Socket.IO', 'lost/reordered'],
    levels.map((l) => [
      l.concurrency,
      both(l.direct.ttft_p50, l.direct.ttft_p99, ''),
      both(l.sse.added_ttft_p50_ms, l.sse.added_ttft_p99_ms, ''),
      both(l.socket.added_ttft_p50_ms, l.socket.added_ttft_p99_ms, ''),
      `${cell(l.direct.cpu?.answers_per_s)} / ${both(l.sse.cpu?.answers_per_s, l.socket.cpu?.answers_per_s, '')}`,
      both(l.sse.cpu?.api_ms_per_answer, l.socket.cpu?.api_ms_per_answer, ''),
      both(l.sse.cpu?.api_pct, l.socket.cpu?.api_pct, ''),
      both(l.sse.relay_ratio, l.socket.relay_ratio, ''),
      l.sse.lost_or_reordered + l.socket.lost_or_reordered,
    ]),
  );
}

/** Section 1: what the API adds when the upstream is fast, one at a time, all at once, in steady state, with one process and with two workers. */
export function fastUpstreamSection(f: Results): string[] {
  const p = f.profile;
  const boot = f.first_after_boot;
  const lines = [
    `## 1. Fast upstream (first token after ${p.ttftMs} ms, then one every ${p.interTokenMs} ms, ${p.words} tokens)`,
    '',
    'Added TTFT: the time to the first token a client sees through the API (POST /api/messages, then the SSE stream of the chat, or',
    '`message_token` on a socket that joined it) minus the same simulator\'s TTFT called directly (the floor), at the same percentile, in the same phase.',
    '',
    `First send after boot: ${boot.boots.length} fresh API processes, each one's first request after the readiness probe being a send (SSE); the floor is the`,
    'median of 5 direct calls just before it. The second send on the same process is shown beside it.',
    '',
    ...table(
      ['boot', 'direct TTFT ms', 'first send TTFT ms', 'added ms', 'second send added ms'],
      boot.boots.map((b: Results, i: number) => [i + 1, b.direct_ttft_ms, b.ttft_ms, b.added_ttft_ms, b.second_added_ttft_ms]),
    ),
    `One at a time: one conversation on the warm API, the floor, SSE and Socket.IO in turn. All at once: ${f.all_at_once.concurrency} conversations sending in the same`,
    `millisecond, ${f.all_at_once.bursts} times per path.`,
    '',
    ...table(['phase', 'answers (SSE + Socket.IO)', 'direct TTFT p50/p99 ms', 'SSE added p50/p99 ms', 'Socket.IO added p50/p99 ms', 'lost/reordered'], [
      addedRows('one at a time, warm', f.one_at_a_time),
      addedRows(`${f.all_at_once.concurrency} at once`, f.all_at_once),
    ]),
    `Steady state: N conversations each sending ${f.steady.rounds} messages back to back, first sends spread over one answer (as in section 2). API CPU is`,
    'summed over the API\'s processes; answers/s is answers completed over the phase\'s wall time.',
    '',
    ...steadyTable(f.steady.levels),
    `RSS of the API during ${Math.max(...f.steady.levels.map((l: Results) => l.concurrency))} conversations (peak): ${cell(f.steady.rss_during_max_streams_mb)} MB.`,
    '',
    ...floorLines(f.relay_floor),
    '### The same with WEB_CONCURRENCY=2 (a primary and two workers on one port)',
    '',
  ];
  const c = f.clustered;
  if (!c || c.skipped || c.failed) {
    lines.push(c?.failed ? `Failed: ${c.failed}.` : `Not run: ${c?.skipped ?? 'not attempted'}.`, '');
  } else {
    lines.push(`${c.processes} processes. CPU and RSS are the primary's and its workers' summed.`, '', ...steadyTable(c.streaming.levels));
    lines.push(
      `RSS during ${Math.max(...c.streaming.levels.map((l: Results) => l.concurrency))} conversations (peak): ${cell(c.streaming.rss_during_max_streams_mb)} MB (per process, primary first: ${c.streaming.rss_during_max_streams_per_process_mb.join(' / ')}); after the phase: ${cell(c.rss_after_mb?.total)} MB (${(c.rss_after_mb?.per_process ?? []).join(' / ')}).`,
      '',
    );
  }
  lines.push('### Where the time goes', '');
  const profiles: Results[] = f.profiles ?? [];
  if (!profiles.length) lines.push('Not profiled: every fast-upstream target above is met.', '');
  for (const profile of profiles) lines.push(...profileSection(profile));
  return lines;
}

/** The bare relay (bench/lib/bare-relay.ts) measured like the API: what this machine costs before any of the API's work. */
function floorLines(floor: Results | undefined): string[] {
  if (!floor) return [];
  return [
    `The machine's floor: the same steady state at ${floor.concurrency} conversations through a bare relay (bench/lib/bare-relay.ts, its own process: each`,
    'request passed to the simulator, each chunk of the answer written back as it comes; no authentication, storage, events, resume or parsing).',
    '',
    ...table(['conversations', 'added TTFT p50/p99 ms', 'answers/s', 'relay CPU per answer ms', 'relay CPU %', 'lost/reordered'], [
      [floor.concurrency, both(floor.added_ttft_p50_ms, floor.added_ttft_p99_ms, ''), floor.cpu?.answers_per_s, floor.cpu?.api_ms_per_answer, floor.cpu?.api_pct, floor.lost_or_reordered],
    ]),
  ];
}

function profileSection(s: Results): string[] {
  if (s.skipped) return [`Not profiled: ${s.skipped}.`, ''];
  return [
    `A target above is missed, so the API was profiled (V8's CPU profiler in the API process, 0.5 ms sampling) during ${s.phase}: ${s.wall_ms} ms,`,
    `its thread busy ${s.busy_pct}% of it. Self time as a share of the busy time, by where the code lives and by function:`,
    '',
    ...table(['where', '% busy', 'function', '% busy'], Array.from({ length: Math.max(s.by_origin.length, s.by_function.length) }, (_, i) => [
      s.by_origin[i]?.name ?? '',
      s.by_origin[i]?.pct ?? '',
      s.by_function[i]?.name ?? '',
      s.by_function[i]?.pct ?? '',
    ])),
  ];
}
