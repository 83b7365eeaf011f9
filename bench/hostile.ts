import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { HostileResults, runHostileClients } from '../test/support/hostile-clients';
import { confettiText, docxWithHugeBody, pdfWithHugeContent, textWithoutBreaks } from '../test/support/hostile-files';
import { ApiClient } from './lib/api-client';
import { rssMb } from './lib/processes';
import { percentile, round } from './lib/stats';

const JOB_MEMORY_MB = 128;
/** Given to the API and worker: a job memory small enough for the confetti file to exceed it, a character cap it stays under. */
export const HOSTILE_ENV = { DOCUMENT_JOB_MEMORY_MB: String(JOB_MEMORY_MB), DOCUMENT_MAX_CHARS: '10000000' };
// The BullMQ worker runs 4 jobs at once; embedded, the API runs every job at once, and there are 4 documents.
const JOBS_AT_ONCE = 4;
const PACKET_PAST_LIMIT_BYTES = 1024 * 1024 + 1000;
const FINAL = ['ready', 'failed'];

export interface HostileProcesses {
  api: ChildProcess;
  /** Absent when embedded: the API runs the jobs itself. */
  worker?: ChildProcess;
}

interface DocumentView {
  id: number;
  status: string;
  error: string | null;
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Peak RSS of each process, sampled every 50 ms (a process that died stops counting). */
function rssSampler(processes: ChildProcess[]) {
  const peaks = processes.map(() => 0);
  const sample = () =>
    processes.forEach((child, i) => {
      try {
        if (alive(child)) peaks[i] = Math.max(peaks[i], rssMb(child.pid!) || 0);
      } catch {
        // it exited between the check and the read
      }
    });
  const timer = setInterval(sample, 50);
  return { peaks, stop: () => clearInterval(timer) };
}

/** GET /api/health every ~20 ms until `running()` turns false: latency of each probe, a failed probe as Infinity. */
async function probeHealth(url: string, running: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (running()) {
    const start = performance.now();
    const ok = await fetch(`${url}/api/health`).then((response) => response.text().then(() => response.ok), () => false);
    latencies.push(ok ? performance.now() - start : Infinity);
    await sleep(20);
  }
  return latencies;
}

async function upload(client: ApiClient, chatId: number, name: string, file: Buffer): Promise<number> {
  const form = new FormData();
  form.set('entity_type', 'chat');
  form.set('entity_id', String(chatId));
  form.set('file', new Blob([file]), name);
  const response = await fetch(`${client.base}/api/documents/upload`, { method: 'POST', headers: { Authorization: `Bearer ${client.token}` }, body: form });
  if (response.status !== 201) throw new Error(`upload of ${name}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: number }).id;
}

/**
 * Hostile bodies and socket packets from several clients, and the hostile documents uploaded at once, for at least
 * `minSeconds` and until the documents are read (at most `maxSeconds`), while /api/health is probed every ~20 ms and
 * the RSS of the API and worker is sampled.
 */
export async function benchHostile(url: string, processes: HostileProcesses, { minSeconds, maxSeconds }: { minSeconds: number; maxSeconds: number }) {
  const client = new ApiClient(url);
  await client.signUp('hostile@example.org', 'HOS');
  const agent = await client.call<{ id: number }>('POST', '/api/agents', { name: 'Hostile' });
  const chatId = (await client.call<{ id: number }>('POST', '/api/chats', { agent_id: agent.id })).id;
  const [docx, pdf] = await Promise.all([docxWithHugeBody(190), pdfWithHugeContent(1024)]);
  const files: [string, Buffer][] = [['bomb.docx', docx], ['bomb.pdf', pdf], ['sans-pause.txt', textWithoutBreaks()], ['confetti.txt', confettiText()]];
  const jobs = processes.worker ?? processes.api;
  const before = { api: rssMb(processes.api.pid!), jobs: rssMb(jobs.pid!) };

  const started = Date.now();
  const documents = new Map<string, Omit<DocumentView, 'id'> & { seconds: number | null }>();
  const settled = () => documents.size === files.length && [...documents.values()].every((d) => FINAL.includes(d.status));
  let stopped = false;
  const running = () => !stopped && Date.now() - started < maxSeconds * 1000 && (Date.now() - started < minSeconds * 1000 || !settled());
  const sampler = rssSampler([processes.api, jobs]);
  const probing = probeHealth(url, running);

  const attacks: HostileResults[] = [];
  const clientErrors: string[] = [];
  const attacking = (async () => {
    while (running()) {
      const target = { url, token: client.token, chatId, httpClients: 2, socketClients: 2, rounds: 1, forms: true, oversizedPacketBytes: PACKET_PAST_LIMIT_BYTES };
      await runHostileClients(target).then(
        (result) => attacks.push(result),
        (error: Error) => clientErrors.push(error.message),
      );
    }
  })();
  let latencies: number[] = [];
  try {
      const ids = await Promise.all(files.map(([name, file]) => upload(client, chatId, name, file)));
    while (running()) {
      const listed = await client.call<{ items: DocumentView[] }>('GET', `/api/documents?entity_type=chat&entity_id=${chatId}&limit=200`).then((page) => page.items, () => []);
      files.forEach(([name], i) => {
        const view = listed.find((d) => d.id === ids[i]);
        if (view && !FINAL.includes(documents.get(name)?.status ?? '')) documents.set(name, { status: view.status, error: view.error, seconds: FINAL.includes(view.status) ? round((Date.now() - started) / 1000) : null });
      });
      await sleep(500);
    }
  } finally {
    stopped = true;
    [latencies] = await Promise.all([probing, attacking]);
    sampler.stop();
  }

  const statuses = attacks.flatMap((a) => a.statuses);
  const acks = attacks.flatMap((a) => a.acks);
  const failed = latencies.filter((ms) => ms === Infinity).length;
  const answered = latencies.filter((ms) => ms !== Infinity);
  const result = {
    seconds: round((Date.now() - started) / 1000),
    jobs_at_once: JOBS_AT_ONCE,
    job_memory_mb: JOB_MEMORY_MB,
    jobs_run_in: processes.worker ? 'the worker' : 'the API (embedded)',
    attack: {
      http_bodies: statuses.length,
      not_refused_with_4xx: statuses.filter((status) => status < 400 || status >= 500).length,
      socket_events: acks.length,
      events_not_refused: acks.filter((ack) => (ack as { ok?: boolean } | undefined)?.ok !== false).length,
      connections_closed_for_packets: attacks.reduce((n, a) => n + a.disconnects.length, 0),
      client_errors: clientErrors,
    },
    health: {
      probes: latencies.length,
      failed,
      p50_ms: round(percentile(answered, 50)),
      p99_ms: round(percentile(answered, 99)),
      max_ms: round(Math.max(...latencies)),
      over_100ms: latencies.filter((ms) => ms >= 100).length,
    },
    rss: {
      api_before_mb: round(before.api),
      api_peak_mb: round(sampler.peaks[0]),
      jobs_before_mb: round(before.jobs),
      jobs_peak_mb: round(sampler.peaks[1]),
      // The README's bound: each running job's thread holds up to its heap and, separately, as much in buffers.
      jobs_limit_mb: round(JOBS_AT_ONCE * 2 * JOB_MEMORY_MB + before.jobs),
    },
    alive: { api: alive(processes.api), worker: processes.worker ? alive(processes.worker) : null },
    documents: files.map(([name, file]) => ({ name, size_kb: round(file.length / 1024), ...documents.get(name) })),
  };
  console.log(`hostile: ${JSON.stringify(result)}`);
  return result;
}
