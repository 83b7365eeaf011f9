import { Worker } from 'node:worker_threads';

export interface HostileTarget {
  url: string;
  token: string;
  chatId: number;
  httpClients: number;
  socketClients: number;
  rounds: number;
  /** Also send form-encoded bodies: one to a JSON route, and a login form with too many fields. */
  forms?: boolean;
  /** Also send a socket packet of this many bytes (past MAX_JSON_BODY_KB, the server closes its connection). */
  oversizedPacketBytes?: number;
}

export interface HostileResults {
  /** The status of every hostile HTTP request. */
  statuses: number[];
  /** The ack of every hostile socket event. */
  acks: unknown[];
  /** Why the server closed each socket that sent an event too large to parse. */
  disconnects: string[];
}

// Plain JavaScript for a worker thread: the clients' own JSON work stays off the
// server's event loop, as real clients' would, so only the server's cost is measured.
const CLIENTS = String.raw`
const { parentPort, workerData: t } = require('node:worker_threads');
const { io } = require('socket.io-client');
const INT4_MAX = 2 ** 31 - 1;
const manyKeys = (count) => Object.fromEntries(Array.from({ length: count }, (_, i) => ['k' + i, '']));
const deepJson = (depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const bodies = [
  { path: '/api/auth/login', body: JSON.stringify({ ...manyKeys(50000), password: 'x' }) },
  { path: '/api/auth/login', body: deepJson(10000) },
  { path: '/api/messages', auth: true, body: JSON.stringify({ chat_id: t.chatId, content: 'hi', document_ids: Array(200000).fill(1) }) },
  { path: '/api/messages', auth: true, body: JSON.stringify({ chat_id: INT4_MAX + 1, content: 'hi' }) },
  { path: '/api/agents', auth: true, body: JSON.stringify({ name: 'a\u0000b' }) },
  { path: '/api/auth/register', body: JSON.stringify({ email: 'x\ud800@example.org', trigramme: 'XYZ', password: 'long enough' }) },
];
const FORM = 'application/x-www-form-urlencoded';
if (t.forms) bodies.push(
  { path: '/api/auth/register', type: FORM, body: new URLSearchParams({ email: 'form@example.org', trigramme: 'FRM', password: 'long enough' }).toString() },
  { path: '/api/auth/login', type: FORM, body: new URLSearchParams({ ...manyKeys(600), username: 'a', password: 'b' }).toString() },
);
const events = [
  ['send_message', { chat_id: t.chatId, content: 'a\u0000b' }],
  ['resume', { chat_id: t.chatId, after_seq: 1e20 }],
  ['join_chat', { chat_id: INT4_MAX + 1 }],
];
// Event packets past the shape limits, as raw text (the client's encoder would recurse into the deep one).
const unparseable = [
  '2["send_message",' + deepJson(10000) + ']',
  '2["send_message",' + JSON.stringify(manyKeys(50000)) + ']',
  '2["send_message",' + JSON.stringify({ chat_id: t.chatId, content: 'hi', document_ids: Array(100000).fill(1) }) + ']',
];
if (t.oversizedPacketBytes) unparseable.push('2["send_message",{"content":"' + 'x'.repeat(t.oversizedPacketBytes) + '"}]');
const results = { statuses: [], acks: [], disconnects: [] };

async function httpClient() {
  for (let round = 0; round < t.rounds; round++) {
    for (const { path, body, auth, type } of bodies) {
      const headers = { 'Content-Type': type ?? 'application/json', ...(auth ? { Authorization: 'Bearer ' + t.token } : {}) };
      results.statuses.push((await fetch(t.url + path, { method: 'POST', headers, body })).status);
    }
  }
}

async function connect() {
  const socket = io(t.url, { path: '/ws/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: t.token } });
  await new Promise((resolve, reject) => {
    socket.once('connected', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Sends one packet on a fresh socket and waits for the server to close it. */
async function sendUnparseable(packet) {
  const socket = await connect();
  let timer;
  const closed = new Promise((resolve, reject) => {
    socket.once('disconnect', resolve);
    timer = setTimeout(() => reject(new Error('the server kept a socket that sent an unparseable packet')), 10000);
  });
  socket.io.engine.send(packet);
  try {
    results.disconnects.push(await closed);
  } finally {
    clearTimeout(timer);
    socket.close();
  }
}

async function socketClient() {
  const socket = await connect();
  try {
    for (let round = 0; round < t.rounds; round++) {
      for (const [event, payload] of events) results.acks.push(await socket.timeout(10000).emitWithAck(event, payload));
      for (const packet of unparseable) await sendUnparseable(packet);
    }
  } finally {
    socket.close();
  }
}

const clients = [...Array(t.httpClients)].map(httpClient).concat([...Array(t.socketClients)].map(socketClient));
Promise.all(clients).then(() => parentPort.postMessage(results));
`;

/** Hostile bodies (many keys, deep nesting, huge arrays, out-of-range ints, invalid text) and socket events, from several clients at once. */
export function runHostileClients(target: HostileTarget): Promise<HostileResults> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENTS, { eval: true, workerData: target });
    worker.once('message', resolve);
    // A client that fails rejects inside the worker, which then reports it here.
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`hostile clients stopped (exit ${code}) before reporting`)));
  });
}
