// The "separate frontend" of foreign-origin.e2e-spec.ts: plain browser code (fetch, EventSource,
// socket.io-client, FormData, <img>, a link), served from another origin than the API as a module script.
/* global window, document, fetch, EventSource, FormData, Blob, atob, btoa, io */
window.foreign = (() => {
  let api = '';
  let token = '';
  const auth = () => ({ Authorization: `Bearer ${token}` });

  async function json(path, body) {
    const response = await fetch(api + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? auth() : {}) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }

  /** A ticket URL (absolute) for a chat's stream or a document. */
  async function ticketUrl(path) {
    const response = await fetch(`${api}${path}/ticket`, { method: 'POST', headers: auth() });
    if (response.status !== 201) throw new Error(`ticket ${path}: ${response.status}`);
    return api + (await response.json()).url;
  }

  async function signIn({ apiUrl, email, password }) {
    api = apiUrl;
    await json('/api/auth/register', { email, trigramme: 'FOR', password });
    token = (await json('/api/auth/login', { email, password })).access_token;
    const agent = await json('/api/agents', { name: 'Foreign', system_prompt: 'Be brief.' });
    const chat = await json('/api/chats', { agent_id: agent.id, title: 'From afar' });
    return { token, chatId: chat.id };
  }

  async function streamAnswer({ chatId, content }) {
    const socket = io(api, { path: '/ws/socket.io', auth: { token }, transports: ['websocket'] });
    let connected = false;
    const viaSocket = new Promise((resolve, reject) => {
      let tokens = 0;
      socket.on('connected', () => (connected = true));
      socket.on('connect_error', reject);
      socket.on('message_token', () => (tokens += 1));
      socket.on('message_done', (event) => resolve({ connected, tokens, done: event.message.content }));
    });
    await new Promise((resolve) => socket.on('connect', resolve));
    await new Promise((resolve) => socket.emit('join_chat', { chat_id: chatId }, resolve));
    await json('/api/messages', { chat_id: chatId, content });
    const url = await ticketUrl(`/api/messages/stream/${chatId}`);
    const viaSse = await new Promise((resolve, reject) => {
      const source = new EventSource(url);
      const tokens = [];
      source.addEventListener('token', (event) => tokens.push(JSON.parse(event.data).delta));
      source.addEventListener('done', (event) => {
        source.close();
        resolve({ tokens, done: JSON.parse(event.data).content });
      });
      source.addEventListener('error', () => {
        if (source.readyState === EventSource.CLOSED) reject(new Error('EventSource closed without done'));
      });
    });
    const socketResult = await viaSocket;
    socket.close();
    return { sse: viaSse, socket: socketResult };
  }

  async function upload({ chatId, base64, type, name }) {
    const form = new FormData();
    form.append('entity_type', 'chat');
    form.append('entity_id', String(chatId));
    form.append('file', new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type }), name);
    const response = await fetch(`${api}/api/documents/upload`, { method: 'POST', headers: auth(), body: form });
    if (response.status !== 201) throw new Error(`upload ${name}: ${response.status} ${await response.text()}`);
    return (await response.json()).id;
  }

  const loads = (src) =>
    new Promise((resolve) => {
      const img = document.createElement('img');
      img.onload = () => resolve(img.naturalWidth);
      img.onerror = () => resolve(0);
      img.src = src;
      document.body.append(img);
    });

  async function showImage({ id }) {
    const width = await loads(await ticketUrl(`/api/documents/${id}`));
    const bytes = new Uint8Array(await (await fetch(await ticketUrl(`/api/documents/${id}`))).arrayBuffer());
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return { width, base64: btoa(binary) };
  }

  async function addDownloadLink({ id }) {
    const link = document.createElement('a');
    link.id = 'download';
    link.href = await ticketUrl(`/api/documents/${id}`);
    link.textContent = 'Download';
    document.body.append(link);
    return link.href;
  }

  async function refusals({ chatId, otherChatId, imageId, expired }) {
    const status = async (url, init) => (await fetch(url, init)).status;
    const [path, ticket] = (await ticketUrl(`/api/documents/${imageId}`)).split('?ticket=');
    const tampered = `${ticket.slice(0, -3)}${ticket.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const sourceOpens = (src) =>
      new Promise((resolve) => {
        const source = new EventSource(src);
        source.onopen = () => (source.close(), resolve(true));
        source.onerror = () => (source.close(), resolve(false));
      });
    return {
      streamNoTicket: await status(`${api}/api/messages/stream/${chatId}`),
      streamNoTicketOpens: await sourceOpens(`${api}/api/messages/stream/${chatId}`),
      documentNoTicket: await status(path),
      imgNoTicket: await loads(path),
      expired: await status(`${path}?ticket=${expired}`),
      tampered: await status(`${path}?ticket=${tampered}`),
      imgTampered: await loads(`${path}?ticket=${tampered}`),
      otherChatTicket: await status(`${api}/api/messages/stream/${otherChatId}/ticket`, { method: 'POST', headers: auth() }),
      otherChatStream: await status(`${api}/api/messages/stream/${otherChatId}`, { headers: auth() }),
    };
  }

  return { signIn, streamAnswer, upload, showImage, addDownloadLink, refusals };
})();
