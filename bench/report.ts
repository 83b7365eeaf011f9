import { existsSync, readFileSync, writeFileSync } from 'node:fs';

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
    'Reproduce: `npm run bench` (full) or `npm run bench -- --quick` (under 3 minutes). With `DATABASE_URL` and',
    '`REDIS_URL` set, the API (and a worker) use them; otherwise everything is embedded. Results also go to',
    '`bench/results/<name>.json`. Every figure is measured beside its floor in the same run.',
    '',
    `## 1. Streaming (simulator: first token after ${r.setup.simulator.ttftMs} ms, then one every ${r.setup.simulator.interTokenMs} ms, ${r.setup.simulator.words} tokens)`,
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
  lines.push(`## 2. API throughput (${t.connections} connections, ${t.seconds} s each, authenticated but for the health check)`, '', `Floor: a bare \`node:http\` JSON handler: ${t.floor.requests_per_s} req/s, p99 ${t.floor.p99_ms} ms. Between the two, Express with helmet and the JSON body parser (no Nest) serving the same body: ${cell(t.express?.requests_per_s)} req/s, p99 ${cell(t.express?.p99_ms)} ms.`, '');
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
  lines.push('## 3. Ingestion', '');
  table(
    ['measure', 'result', 'floor', 'target', 'status'],
    [
      [`text PDF (${i.text_pdf_pages} pages)`, `${i.text_pdf_pages_per_s} pages/s`, '—', '≥ 50 pages/s', mark(i.text_pdf_pages_per_s >= 50)],
      [`scanned PDF, page rendering for OCR (${i.ocr_pages} pages)`, `${cell(i.render_s_per_page)} s/page`, '—', '—', '—'],
      [`OCR, scanned PDF (${i.ocr_pages} pages)`, `${i.ocr_s_per_page} s/page`, `tesseract CLI ${cell(i.native_tesseract_s_per_page)} s/page (same images and model)`, '≤ 1.5× native', i.ocr_ratio_to_native === null ? 'n/a (tesseract not installed)' : `${i.ocr_ratio_to_native}× — ${mark(i.ocr_ratio_to_native <= 1.5)}`],
    ],
  );

  lines.push('## 4. Retrieval (hybrid search over one agent\'s chunks, top 6)', '');
  table(
    ['chunks', 'vectors', 'queries', 'p50 ms', 'p99 ms', 'target', 'status'],
    r.retrieval.map((x: Results) => [x.chunks, x.vectors, x.queries, x.p50_ms, x.p99_ms, x.chunks >= 100_000 && x.vectors === 'none' ? 'p99 ≤ 30 ms' : '—', x.chunks >= 100_000 && x.vectors === 'none' ? mark(x.p99_ms <= 30) : '—']),
  );

  const m = r.memory;
  lines.push('## 5. Memory (API process RSS)', '');
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
  writeFileSync(file, lines.join('\n') + analysis + (analysis.endsWith('\n') || !analysis ? '' : '\n'));
}
