import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fastUpstreamSection, targetsSummary } from './report-headline';

type Results = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the JSON this run wrote

const ANALYSIS = '\n## Analysis\n';
const mark = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'met' : '**missed**');
const cell = (value: unknown) => (value === null || value === undefined ? 'n/a' : String(value));

/** BENCHMARKS.md from a run; a hand-written "## Analysis" section of the previous file is kept. */
export function writeReport(file: string, r: Results): void {
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const analysis = previous.includes(ANALYSIS) ? previous.slice(previous.indexOf(ANALYSIS)) : '';
  const lines: string[] = [];
  const table = (header: string[], rows: unknown[][]) => {
    lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
    for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
    lines.push('');
  };

  lines.push(
    '# Benchmarks',
    '',
    `Run \`${r.name}\` of ${r.date} (${r.duration_s} s): ${r.machine.cpus} cores (${r.machine.cpu_model}), ${r.machine.memory_gb} GB, Node ${r.machine.node}.`,
    `Database: ${r.setup.database}; Redis: ${r.setup.redis}. The API and the LLM simulator run as their own processes;`,
    'the clients, the floors and the in-process parts (ingestion, retrieval) run in the bench process, all on this machine.',
    '',
    'Reproduce: `npm run bench` (full) or `npm run bench -- --quick` (shorter phases, fewer conversations). With `DATABASE_URL` and',
    '`REDIS_URL` set, the API (and a worker) use them, and the WEB_CONCURRENCY=2 phase runs; otherwise everything is embedded. Results also go to',
    '`bench/results/<name>.json`. Every figure is measured beside its floor in the same run.',
    '',
  );
  lines.push(...targetsSummary(r));
  if (r.fast_upstream) lines.push(...fastUpstreamSection(r.fast_upstream));
  lines.push(
    `## 2. Streaming (simulator: first token after ${r.setup.simulator.ttftMs} ms, then one every ${r.setup.simulator.interTokenMs} ms, ${r.setup.simulator.words} tokens)`,
    '',
    `N concurrent conversations each send ${cell(r.streaming.rounds)} messages back to back, their first sends spread over one answer's duration (steady state).`,
    'Floor: the same conversations streaming straight from the simulator. Added TTFT is the API\'s p50/p99 minus the floor\'s; relay ratio is the median',
    'tokens/s through the API over the median direct, leaving out SSE answers replayed whole (the client connected after the answer had ended,',
    'so its tokens came at once from the log). "All at once": the N conversations once more, all sending in the same millisecond (worst case).',
    '',
  );
  table(
    ['concurrent', 'direct TTFT p50/p99 ms', 'SSE added TTFT p50/p99 ms', 'SSE relay ratio', 'SSE answers replayed', 'Socket.IO added TTFT p50/p99 ms', 'Socket.IO relay ratio', 'all at once: SSE / Socket.IO added TTFT p99 ms', 'lost/reordered'],
    r.streaming.levels.map((l: Results) => [
      l.concurrency,
      `${cell(l.direct.ttft_p50)} / ${cell(l.direct.ttft_p99)}`,
      `${cell(l.sse.added_ttft_p50_ms)} / ${cell(l.sse.added_ttft_p99_ms)}`,
      l.sse.relay_ratio,
      `${cell(l.sse.replayed)} of ${l.concurrency * r.streaming.rounds}`,
      `${cell(l.socket.added_ttft_p50_ms)} / ${cell(l.socket.added_ttft_p99_ms)}`,
      l.socket.relay_ratio,
      `${cell(l.sse.burst_added_ttft_p99_ms)} / ${cell(l.socket.burst_added_ttft_p99_ms)}`,
      l.sse.lost_or_reordered + l.socket.lost_or_reordered,
    ]),
  );
  lines.push('Where the two cores went in each steady-state phase (percent of one core; the machine has 200): the API, the simulator, and the bench process that runs every client.', '');
  table(
    ['concurrent', 'API CPU per answer ms (SSE / Socket.IO)', 'direct: simulator / clients %', 'SSE: API / simulator / clients %', 'Socket.IO: API / simulator / clients %'],
    r.streaming.levels.map((l: Results) => {
      const use = (c: Results | undefined, withApi: boolean) =>
        c ? `${withApi ? `${cell(c.api_pct)} / ` : ''}${cell(c.simulator_pct)} / ${cell(c.clients_pct)}` : 'n/a';
      return [
        l.concurrency,
        `${cell(l.sse.cpu?.api_ms_per_answer)} / ${cell(l.socket.cpu?.api_ms_per_answer)}`,
        use(l.direct.cpu, false),
        use(l.sse.cpu, true),
        use(l.socket.cpu, true),
      ];
    }),
  );
  const at = (n: number) => r.streaming.levels.find((l: Results) => l.concurrency === n);
  const l200 = at(200);
  const l500 = at(500);
  table(
    ['target', 'result', 'status'],
    [
      ['added TTFT p99 ≤ 15 ms at 200 concurrent (SSE / Socket.IO)', l200 ? `${l200.sse.added_ttft_p99_ms} / ${l200.socket.added_ttft_p99_ms} ms` : 'not run', l200 ? mark(l200.sse.added_ttft_p99_ms <= 15 && l200.socket.added_ttft_p99_ms <= 15) : 'n/a'],
      ['relayed tokens/s ≥ 95% of direct at 500 (SSE / Socket.IO)', l500 ? `${l500.sse.relay_ratio} / ${l500.socket.relay_ratio}` : 'not run', l500 ? mark(l500.sse.relay_ratio >= 0.95 && l500.socket.relay_ratio >= 0.95) : 'n/a'],
      ['no lost or reordered token', r.streaming.levels.reduce((n: number, l: Results) => n + l.sse.lost_or_reordered + l.socket.lost_or_reordered, 0), mark(r.streaming.levels.every((l: Results) => l.sse.lost_or_reordered + l.socket.lost_or_reordered === 0))],
    ],
  );

  const t = r.throughput;
  lines.push(`## 3. API throughput (${t.connections} connections, ${t.seconds} s each, authenticated but for the health check)`, '', `Floor: a bare \`node:http\` JSON handler: ${t.floor.requests_per_s} req/s, p99 ${t.floor.p99_ms} ms. Between the two, Express with helmet and the JSON body parser (no Nest) serving the same body: ${cell(t.express?.requests_per_s)} req/s, p99 ${cell(t.express?.p99_ms)} ms.`, '');
  table(
    ['route', 'req/s', 'ratio to floor', 'p50 ms', 'p99 ms', 'errors'],
    Object.entries(t.routes).map(([name, v]) => {
      const load = v as Results;
      return [name, load.requests_per_s, t.ratio_to_floor[name], load.p50_ms, load.p99_ms, load.errors];
    }),
  );
  const big = t.routes['GET /api/chats/{id} (10,000 messages)'];
  table(
    ['target', 'result', 'status'],
    [
      ['cached reads ≥ 40% of the floor\'s req/s', t.ratio_to_floor['GET /api/agents (cached)'], mark(t.ratio_to_floor['GET /api/agents (cached)'] >= 0.4)],
      ['p99 ≤ 25 ms at 50 connections (worst route)', `${Math.max(...Object.values(t.routes).map((v) => (v as Results).p99_ms))} ms`, mark(Object.values(t.routes).every((v) => (v as Results).p99_ms <= 25))],
      ['10,000-message chat, latest page p99 ≤ 20 ms', `${big.p99_ms} ms`, mark(big.p99_ms <= 20)],
      ['no errors', Object.values(t.routes).reduce((n: number, v) => n + (v as Results).errors, 0), mark(Object.values(t.routes).every((v) => (v as Results).errors === 0))],
    ],
  );

  const i = r.ingestion;
  lines.push('## 4. Ingestion', '');
  table(
    ['measure', 'result', 'floor', 'target', 'status'],
    [
      [`text PDF (${i.text_pdf_pages} pages)`, `${i.text_pdf_pages_per_s} pages/s`, '—', '≥ 50 pages/s', mark(i.text_pdf_pages_per_s >= 50)],
      [`scanned PDF, page rendering for OCR (${i.ocr_pages} pages)`, `${cell(i.render_s_per_page)} s/page`, '—', '—', '—'],
      [`OCR, scanned PDF (${i.ocr_pages} pages)`, `${i.ocr_s_per_page} s/page`, `tesseract CLI ${cell(i.native_tesseract_s_per_page)} s/page (same images and model)`, '≤ 1.5× native', i.ocr_ratio_to_native === null ? 'n/a (tesseract not installed)' : `${i.ocr_ratio_to_native}× — ${mark(i.ocr_ratio_to_native <= 1.5)}`],
      // benchChunking's seconds per text shape (bench/chunking.ts), when the run measured them.
      ...Object.entries((r.chunking ?? {}) as Record<string, number>).map(([shape, seconds]) => [`chunking 60k words: ${shape}`, `${seconds} s`, '—', '≤ 0.3 s', mark(seconds <= 0.3)]),
    ],
  );

  lines.push('## 5. Retrieval (hybrid search over one agent\'s chunks, top 6)', '');
  table(
    ['chunks', 'vectors', 'queries', 'p50 ms', 'p99 ms', 'target', 'status'],
    r.retrieval.map((x: Results) => [x.chunks, x.vectors, x.queries, x.p50_ms, x.p99_ms, x.chunks >= 100_000 && x.vectors === 'none' ? 'p99 ≤ 30 ms' : '—', x.chunks >= 100_000 && x.vectors === 'none' ? mark(x.p99_ms <= 30) : '—']),
  );

  const m = r.memory;
  lines.push('## 6. Memory (API process RSS)', '');
  table(
    ['state', 'RSS MB', 'target', 'status'],
    [
      ['idle, just started', m.fresh.idle_mb, '—', '—'],
      [`${m.idle_sockets} idle sockets, just started`, m.fresh.with_sockets_mb, m.idle_sockets >= 1000 ? '≤ 300 MB' : '—', m.idle_sockets >= 1000 ? mark(m.fresh.with_sockets_mb <= 300) : '—'],
      [`idle, after ${m.after_work.messages_sent} messages sent`, m.after_work.idle_mb, '—', '—'],
      [`${m.idle_sockets} idle sockets, after ${m.after_work.messages_sent} messages sent`, m.after_work.with_sockets_mb, m.idle_sockets >= 1000 ? '≤ 300 MB' : '—', m.idle_sockets >= 1000 ? mark(m.after_work.with_sockets_mb <= 300) : '—'],
      [`during ${Math.max(...r.streaming.levels.map((l: Results) => l.concurrency))} concurrent streams`, m.during_max_streams_mb, '—', '—'],
    ],
  );
  if (r.memory_after_idle) lines.push(...memoryAfterIdleSection(r.memory_after_idle));

  const h = r.hostile;
  const a = h.attack;
  lines.push(
    `## 7. Hostile input (${h.seconds} s; documents read in ${h.jobs_run_in}, DOCUMENT_JOB_MEMORY_MB=${h.job_memory_mb})`,
    '',
    'Clients at once send hostile bodies (50,000 keys, 10,000-deep nesting, 200,000-item arrays, integers past their column, a NUL byte, a lone',
    'surrogate, a form to a JSON route, a login form of 600 fields) and socket events (hostile payloads; raw packets too deep, too wide, too long',
    'or past MAX_JSON_BODY_KB, each on a connection of its own), while four hostile documents are read: a DOCX under 1 MB inflating to ~190 MB,',
    'a PDF holding a 1 GB compressed content stream, 1 MB of text without a break, and 9 MB of one-letter headings (each its own chunk) that need more than the',
    'job memory. It lasts until the documents are read (at least the minimum time); `GET /api/health` is probed every ~20 ms throughout and',
    'the RSS of the API and worker sampled every 50 ms.',
    '',
  );
  const refusedAll = a.not_refused_with_4xx === 0 && a.events_not_refused === 0 && a.client_errors.length === 0;
  const yesNo = (ok: boolean | null) => (ok === null ? 'n/a (embedded)' : ok ? 'yes' : '**no**');
  table(
    ['target', 'result', 'status'],
    [
      ['/api/health under 100 ms throughout', `p50 ${cell(h.health.p50_ms)} / p99 ${cell(h.health.p99_ms)} / max ${cell(h.health.max_ms)} ms; ${h.health.over_100ms} of ${h.health.probes} probes at 100 ms or more, ${h.health.failed} failed`, mark(h.health.over_100ms === 0)],
      ['every hostile input refused (4xx, error ack or closed connection)', `${a.http_bodies} bodies (${a.not_refused_with_4xx} not 4xx), ${a.socket_events} events (${a.events_not_refused} not refused), ${a.connections_closed_for_packets} connections closed for their packet${a.client_errors.length ? `; client errors: ${a.client_errors.join('; ')}` : ''}`, mark(refusedAll)],
      ['API and worker alive at the end', `API ${yesNo(h.alive.api)}, worker ${yesNo(h.alive.worker)}`, mark(h.alive.api && h.alive.worker !== false)],
      [`RSS of ${h.jobs_run_in} ≤ jobs at once × 2 × DOCUMENT_JOB_MEMORY_MB + its RSS before (${h.jobs_at_once} × 2 × ${h.job_memory_mb} + ${h.rss.jobs_before_mb} MB)`, `peak ${h.rss.jobs_peak_mb} of ${h.rss.jobs_limit_mb} MB (API: ${h.rss.api_before_mb} MB before, peak ${h.rss.api_peak_mb})`, mark(h.rss.jobs_peak_mb <= h.rss.jobs_limit_mb)],
    ],
  );
  table(
    ['document', 'size KB', 'status', 'reason', 'final after s'],
    h.documents.map((d: Results) => [d.name, d.size_kb, d.status, d.error ?? '—', d.seconds]),
  );
  if (r.search) lines.push(...searchSection(r.search));
  if (r.openai_compat) lines.push(...openAiCompatSection(r.openai_compat, r.setup.fast_upstream));
  writeFileSync(file, lines.join('\n') + analysis + (analysis.endsWith('\n') || !analysis ? '' : '\n'));
}

/**
 * "Memory after work and after idling", from benchMemory's results (bench/memory.ts):
 * the API's RSS (all its processes) after many sends, with many streams open, and after idling.
 */
export function memoryAfterIdleSection(m: Results): string[] {
  const heap = (h: Results | undefined) => (h?.heap_used_mb == null ? '—' : `${h.heap_used_mb} / ${cell(h.heap_total_mb)}`);
  const lines = [
    '### Memory after work and after idling',
    '',
    `After the phases above, on the same API: ${m.sends} sends answered (${m.send_errors} errors, ${cell(m.sends_seconds)} s, API CPU ${cell(m.api_cpu_ms_per_send)} ms per send),`,
    `then ${m.streams} answers streamed at once over SSE (${m.streams_completed} completed), then ${m.idle_seconds} s of nothing. RSS summed over the API's processes.`,
    '',
    '| reading | RSS MB | V8 heap used / total MB | target | status |',
    '|---|---|---|---|---|',
  ];
  const rows: unknown[][] = [
    ['start', m.start_mb, heap(m.heap?.start), '—', '—'],
    [`after ${m.sends} sends`, m.after_sends_mb, heap(m.heap?.after_sends), '—', '—'],
    [`${m.streams} streams open (peak)`, m.during_streams_peak_mb, '—', '—', '—'],
    ['after the streams', m.after_streams_mb, heap(m.heap?.after_streams), '—', '—'],
    [`after ${m.idle_seconds} s idle`, m.after_idle_mb, heap(m.heap?.after_idle), '≤ 300 MB', m.after_idle_mb === null ? 'n/a' : mark(m.after_idle_mb <= 300)],
  ];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  lines.push('');
  return lines;
}

/**
 * Section 8 from benchSearch's results (also printed by `node dist/bench/search.js`):
 * GET /api/search's work over one user's messages, each kind of query timed apart.
 */
export function searchSection(results: Results[]): string[] {
  const lines = [
    '## 8. Search (GET /api/search: query and snippets over one user\'s messages, first pages of 20)',
    '',
    `Seeded: ${cell(results[0]?.messages)} messages of one user in chats of 20 (plus another user's), words drawn from a Zipf vocabulary with accents, in ${cell(results[0]?.seed_s)} s.`,
    '',
    '| messages | query | p50 ms | p95 ms | p99 ms | mean hits | target | status |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const x of results) {
    const targeted = x.messages >= 1_000_000;
    lines.push(`| ${[x.messages, x.queries, x.p50_ms, x.p95_ms, x.p99_ms, x.mean_hits, targeted ? 'p99 < 50 ms' : '—', targeted ? mark(x.p99_ms < 50) : '—'].map(cell).join(' | ')} |`);
  }
  lines.push('');
  return lines;
}

/**
 * Section 9 from benchOpenAiCompat's results: what POST /v1/chat/completions
 * adds to a fast upstream's streamed completion (also printed by `node dist/bench/openai-compat.js`).
 */
export function openAiCompatSection(levels: Results[], upstream: Results): string[] {
  const lines = [
    `## 9. OpenAI-compatible API (POST /v1/chat/completions, streamed; upstream: first token after ${cell(upstream?.ttftMs)} ms, then one every ${cell(upstream?.interTokenMs)} ms, ${cell(upstream?.words)} tokens)`,
    '',
    'N clients each ask 5 completions back to back with an API key, through an agent (system prompt, retrieval, rate limit, budgets, breaker, ledger row).',
    'Floor: the same completions asked of the upstream directly. Added = through the API minus the floor, at the same percentile.',
    '',
    '| concurrent | completions | direct TTFT p50/p99 ms | /v1 TTFT p50/p99 ms | added TTFT p50/p99 ms | added total p50 ms | API CPU ms per completion | incomplete |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const x of levels) {
    lines.push(
      `| ${[x.concurrency, x.completions, `${cell(x.direct.ttft_p50)} / ${cell(x.direct.ttft_p99)}`, `${cell(x.v1.ttft_p50)} / ${cell(x.v1.ttft_p99)}`, `${cell(x.added_ttft_p50_ms)} / ${cell(x.added_ttft_p99_ms)}`, x.added_total_p50_ms, x.api_cpu_ms_per_completion, x.incomplete].map(cell).join(' | ')} |`,
    );
  }
  lines.push('');
  return lines;
}
