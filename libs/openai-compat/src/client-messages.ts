import { ValidationError } from '#common';
import type { ChatMessage, ContentPart } from '#llm';
import { textOf } from '#messages';

/** A message a client may send: /v1 takes no tool messages (NO_TOOLS). */
type ClientMessage = ChatMessage & { role: 'system' | 'user' | 'assistant' };

/** The client's conversation, as the prompt takes it. */
export interface ClientConversation {
  /** The client's system (and developer) messages, in order: they follow the agent's system prompt. */
  system: string[];
  /** The user and assistant messages before the last, oldest first. */
  history: ClientMessage[];
  /** The last message, the user's: the one answered. */
  current: ClientMessage;
  /** Its text: what the agent's knowledge is searched for. */
  question: string;
  /** Some message carries an image: the vision model answers. */
  withImages: boolean;
}

type Loc = (string | number)[];

const ROLES = new Set(['system', 'developer', 'user', 'assistant']);
const NO_TOOLS = 'tools are not supported: agents answer with text only';
/** Images travel in the request, never fetched by the server (no request to an address a client chose). */
const DATA_URL = /^data:image\/(?:png|jpeg|webp|gif);base64,[A-Za-z0-9+/]+={0,2}$/;

function refuse(loc: Loc, msg: string): never {
  throw new ValidationError([{ loc: ['body', 'messages', ...loc], msg }]);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function readPart(part: unknown, loc: Loc, imagesAllowed: boolean): ContentPart {
  if (!isObject(part)) refuse(loc, 'a content part must be an object');
  if (part.type === 'text') {
    if (typeof part.text !== 'string') refuse([...loc, 'text'], 'text must be a string');
    return { type: 'text', text: part.text };
  }
  if (part.type === 'image_url') {
    if (!imagesAllowed) refuse([...loc, 'type'], 'image parts are accepted in user messages only');
    const url = isObject(part.image_url) ? part.image_url.url : undefined;
    if (typeof url !== 'string') refuse([...loc, 'image_url', 'url'], 'image_url.url must be a string');
    if (!DATA_URL.test(url)) {
      refuse([...loc, 'image_url', 'url'], 'image_url.url must be a data: URL (data:image/png|jpeg|webp|gif;base64,…): remote URLs are not fetched');
    }
    return { type: 'image_url', image_url: { url } };
  }
  return refuse([...loc, 'type'], `content parts of type ${JSON.stringify(String(part.type)).slice(0, 40)} are not supported (text and image_url only)`);
}

function readMessage(message: unknown, index: number): ClientMessage {
  if (!isObject(message)) refuse([index], 'a message must be an object');
  const { role, content } = message;
  if (role === 'tool' || role === 'function') refuse([index, 'role'], NO_TOOLS);
  if (typeof role !== 'string' || !ROLES.has(role)) refuse([index, 'role'], 'role must be one of: system, developer, user, assistant');
  for (const [key, value] of Object.entries(message)) {
    if (key === 'role' || key === 'content' || key === 'name') continue;
    if (value === null || (Array.isArray(value) && value.length === 0)) continue;
    refuse([index, key], key === 'tool_calls' || key === 'function_call' ? NO_TOOLS : `${key} is not supported`);
  }
  const asRole = role === 'developer' ? 'system' : (role as 'system' | 'user' | 'assistant');
  if (content === null && asRole === 'assistant') return { role: asRole, content: '' };
  if (typeof content === 'string') return { role: asRole, content };
  if (!Array.isArray(content) || content.length === 0) refuse([index, 'content'], 'content must be a string or a non-empty array of parts');
  const parts = content.map((part, i) => readPart(part, [index, 'content', i], asRole === 'user'));
  // System and assistant text is sent as text; only a user message keeps parts (its images).
  return asRole === 'user' ? { role: asRole, content: parts } : { role: asRole, content: textOf({ role: asRole, content: parts }) };
}

/**
 * Reads and checks the client's `messages` (each problem a 400 naming the
 * message and part at fault): roles system/developer, user, assistant; text,
 * and image parts in user messages as data: URLs; the last message the user's.
 */
export function readClientMessages(messages: unknown[], maxQuestionChars: number): ClientConversation {
  const read = messages.map(readMessage);
  const current = read[read.length - 1];
  if (current.role !== 'user') refuse([read.length - 1, 'role'], 'the last message must be a user message: it is the one answered');
  const question = textOf(current);
  if (question.length > maxQuestionChars) refuse([read.length - 1, 'content'], `the last message must be at most ${maxQuestionChars} characters`);
  const hasImage = (message: ChatMessage) => Array.isArray(message.content) && message.content.some((part) => part.type === 'image_url');
  return {
    system: read.filter((message) => message.role === 'system').map(textOf),
    history: read.slice(0, -1).filter((message) => message.role !== 'system' && (textOf(message) !== '' || hasImage(message))),
    current,
    question,
    withImages: read.some(hasImage),
  };
}
