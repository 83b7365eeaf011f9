import { api, citationOf, currentToken, itemsOf, ok, openDocument, setToken, uploadDocument } from './api';
import type { Agent, Chat, DocumentInfo, Message, User } from './api';
import { connectSocket, emit, followOverSse } from './live';
import type { AnswerHandlers, LiveSocket } from './live';

const TOKEN_KEY = 'foyergpt.token';

function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} missing`);
  return element as T;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = Object.assign(document.createElement(tag), props);
  element.append(...children);
  return element;
}

const state = {
  user: undefined as User | undefined,
  agents: [] as Agent[],
  chats: [] as Chat[],
  chatId: undefined as number | undefined,
  socket: undefined as LiveSocket | undefined,
  /** The answer being generated in the open chat. */
  streamingId: undefined as number | undefined,
};

function showError(error: unknown, where = 'app-error'): void {
  $(where).textContent = error instanceof Error ? error.message : String(error);
}

/** Runs a UI action, showing its failure instead of losing it. */
function act(work: () => Promise<void>): void {
  $('app-error').textContent = '';
  work().catch((error: unknown) => showError(error));
}

// --- Messages ----------------------------------------------------------------------------------

function messageItem(id: number): HTMLElement | null {
  return document.querySelector<HTMLElement>(`.message[data-id="${id}"]`);
}

/** Shows a message; a snapshot older than what is on screen (an ended answer, tokens already shown) changes nothing. */
function renderMessage(message: Message): void {
  const existing = messageItem(message.id);
  if (existing && message.status === 'streaming') {
    if (existing.dataset.status !== 'streaming') return;
    const shown = existing.querySelector('.content')?.textContent ?? '';
    if (shown.length > message.content.length) message = { ...message, content: shown };
  }
  const item = existing ?? $('messages').appendChild(el('li'));
  item.className = `message ${message.role}${message.status === 'streaming' ? ' streaming' : ''}`;
  item.dataset.id = String(message.id);
  item.dataset.status = message.status;
  const meta = el('div', { className: 'meta' }, el('span', { className: 'status', textContent: message.role === 'assistant' ? message.status : '' }));
  if (message.error) meta.append(el('span', { className: 'error', textContent: message.error }));
  if (message.role === 'assistant' && message.status !== 'streaming') {
    const regenerate = el('button', { className: 'link regenerate', type: 'button', textContent: 'Regenerate' });
    regenerate.addEventListener('click', () => act(() => regenerateAnswer(message.id)));
    meta.append(regenerate);
  }
  const citations = el('ol', { className: 'citations' });
  for (const citation of message.citations ?? []) {
    const cited = citationOf(citation);
    if (!cited) continue;
    const link = el('a', { href: '#', className: 'citation', textContent: `[${cited.index}] ${cited.filename}${cited.page ? `, p. ${cited.page}` : ''}` });
    link.addEventListener('click', (event) => {
      event.preventDefault();
      act(() => openDocument(cited.documentId));
    });
    citations.append(el('li', {}, link));
  }
  item.replaceChildren(el('div', { className: 'content', textContent: message.content }), meta);
  if (citations.childElementCount > 0) item.append(citations);
  scrollDown();
}

function scrollDown(): void {
  const list = $('messages');
  list.scrollTop = list.scrollHeight;
}

function setStreaming(id: number | undefined): void {
  state.streamingId = id;
  $('stop').hidden = id === undefined;
  $<HTMLButtonElement>('send').disabled = id !== undefined;
}

/** The latest document_status of each document, by id. */
const documentStates = new Map<number, { status: string; progress: number; error?: string | null }>();

const answers: AnswerHandlers = {
  created(chatId, message, question) {
    if (chatId !== state.chatId) return;
    if (question) renderMessage(question);
    renderMessage(message);
    if (messageItem(message.id)?.dataset.status === 'streaming') setStreaming(message.id);
  },
  token(chatId, messageId, delta) {
    if (chatId !== state.chatId) return;
    const content = messageItem(messageId)?.querySelector('.content');
    if (!content) return;
    content.textContent += delta;
    scrollDown();
  },
  done(chatId, message) {
    if (chatId !== state.chatId) return;
    renderMessage(message);
    if (state.streamingId === message.id) setStreaming(undefined);
  },
  failed(chatId, message) {
    answers.done(chatId, message);
  },
  documentStatus(id, status, progress, error) {
    // Kept: the upload's own answer may arrive after the first events.
    documentStates.set(id, { status, progress, error });
    const item = document.querySelector<HTMLElement>(`.documents li[data-id="${id}"]`);
    if (!item) return;
    item.dataset.status = status;
    item.querySelector('.doc-status')!.textContent = error ? `${status}: ${error}` : status;
    const bar = item.querySelector('progress')!;
    bar.value = status === 'ready' ? 1 : progress;
    bar.hidden = status === 'ready' || status === 'failed';
  },
};

/** An answer that streams: tokens come over the socket; without one, over SSE. */
function follow(answer: Message, question?: Message): void {
  answers.created(answer.chat_id, answer, question);
  if (!state.socket && answer.status === 'streaming') {
    followOverSse(answer.chat_id, answers).catch((error: unknown) => showError(error));
  }
}

async function sendMessage(content: string): Promise<void> {
  const chatId = state.chatId;
  if (chatId === undefined) throw new Error('Create or pick a chat first');
  const socket = state.socket;
  const sent = socket
    ? await emit<{ user_message: Message; assistant_message: Message }>((ack) => socket.emit('send_message', { chat_id: chatId, content }, ack))
    : ok(await api.POST('/api/messages', { body: { chat_id: chatId, content, stream: true } }));
  follow(sent.assistant_message, sent.user_message);
}

async function stopAnswer(): Promise<void> {
  if (state.streamingId === undefined) return;
  const stopped = ok(await api.POST('/api/messages/{id}/stop', { params: { path: { id: state.streamingId } } }));
  answers.done(stopped.chat_id, stopped);
  setStreaming(undefined);
}

async function regenerateAnswer(id: number): Promise<void> {
  follow(ok(await api.POST('/api/messages/{id}/regenerate', { params: { path: { id } } })));
}

// --- Documents ---------------------------------------------------------------------------------

function renderDocument(doc: DocumentInfo): void {
  const existing = document.querySelector(`.documents li[data-id="${doc.id}"]`);
  const item = el(
    'li',
    {},
    el('span', { className: 'doc-name', textContent: doc.filename }),
    el('progress', { max: 1, value: 0 }),
    el('span', { className: 'doc-status' }),
  );
  item.dataset.id = String(doc.id);
  if (existing) existing.replaceWith(item);
  else $('documents').append(item);
  const known = documentStates.get(doc.id);
  if (known && doc.status === 'pending') answers.documentStatus(doc.id, known.status, known.progress, known.error);
  else answers.documentStatus(doc.id, doc.status, 0, doc.error);
}

async function upload(file: File): Promise<void> {
  if (state.chatId === undefined) throw new Error('Create or pick a chat first');
  renderDocument(await uploadDocument(state.chatId, file));
}

// --- Chats and agents --------------------------------------------------------------------------

function renderChats(): void {
  $('chat-list').replaceChildren(
    ...state.chats.map((chat) => {
      const button = el('button', { type: 'button', textContent: chat.title });
      button.dataset.chatId = String(chat.id);
      button.setAttribute('aria-current', String(chat.id === state.chatId));
      button.addEventListener('click', () => act(() => openChat(chat)));
      return el('li', {}, button);
    }),
  );
}

async function openChat(chat: Chat): Promise<void> {
  state.chatId = chat.id;
  setStreaming(undefined);
  $('chat-title').textContent = chat.title;
  $('sidebar').classList.remove('open');
  renderChats();
  $('messages').replaceChildren();
  $('documents').replaceChildren();
  const socket = state.socket;
  if (socket) await emit((ack) => socket.emit('join_chat', { chat_id: chat.id }, ack));
  const page = ok(await api.GET('/api/messages/chat/{chatId}', { params: { path: { chatId: chat.id }, query: {} } }));
  for (const message of page.items) renderMessage(message);
  const documents = ok(await api.GET('/api/documents', { params: { query: { entity_type: 'chat', entity_id: chat.id } } }));
  for (const doc of itemsOf(documents)) renderDocument(doc);
  const streaming = page.items.find((message) => message.status === 'streaming');
  if (streaming) follow(streaming);
}

async function createChat(agentId: number): Promise<void> {
  const chat = ok(await api.POST('/api/chats', { body: { agent_id: agentId } }));
  state.chats.unshift(chat);
  await openChat(chat);
}

async function loadLists(): Promise<void> {
  const [agents, chats] = await Promise.all([api.GET('/api/agents'), api.GET('/api/chats', { params: { query: {} } })]);
  state.agents = itemsOf(ok(agents));
  state.chats = itemsOf(ok(chats));
  $('agent-select').replaceChildren(...state.agents.map((agent) => el('option', { value: String(agent.id), textContent: agent.name })));
  renderChats();
}

// --- Session -----------------------------------------------------------------------------------

async function start(token: string, user?: User): Promise<void> {
  setToken(token);
  state.user = user ?? ok(await api.GET('/api/auth/me'));
  $('me').textContent = state.user.trigramme;
  state.socket = await connectSocket(token, answers);
  $('live-mode').textContent = state.socket ? 'Socket.IO' : 'SSE';
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  await loadLists();
  if (state.chats[0]) await openChat(state.chats[0]);
}

function signOut(): void {
  const token = currentToken();
  if (token) void api.POST('/api/auth/logout').catch(() => undefined);
  state.socket?.close();
  state.socket = undefined;
  state.chatId = undefined;
  setToken(undefined);
  sessionStorage.removeItem(TOKEN_KEY);
  $('app-view').hidden = true;
  $('login-view').hidden = false;
}

async function login(id: string, password: string): Promise<void> {
  const body = id.includes('@') ? { email: id, password } : { trigramme: id, password };
  const session = ok(await api.POST('/api/auth/login', { body }));
  sessionStorage.setItem(TOKEN_KEY, session.access_token);
  await start(session.access_token, session.user);
}

function wire(): void {
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    $('login-error').textContent = '';
    login($<HTMLInputElement>('login-id').value.trim(), $<HTMLInputElement>('login-password').value).catch((error: unknown) =>
      showError(error, 'login-error'),
    );
  });
  $('logout').addEventListener('click', signOut);
  $('menu-toggle').addEventListener('click', () => {
    const open = $('sidebar').classList.toggle('open');
    $('menu-toggle').setAttribute('aria-expanded', String(open));
  });
  $('new-chat-form').addEventListener('submit', (event) => {
    event.preventDefault();
    act(() => createChat(Number($<HTMLSelectElement>('agent-select').value)));
  });
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $<HTMLTextAreaElement>('message-input');
    const content = input.value.trim();
    if (!content) return;
    input.value = '';
    act(() => sendMessage(content));
  });
  $('message-input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      $<HTMLFormElement>('composer').requestSubmit();
    }
  });
  $('stop').addEventListener('click', () => act(stopAnswer));
  $<HTMLInputElement>('upload-input').addEventListener('change', (event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) act(() => upload(file));
  });
}

wire();
const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  start(saved).catch(() => signOut());
} else {
  $('login-view').hidden = false;
}
