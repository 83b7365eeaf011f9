export interface SseEvent {
  id?: string;
  event: string;
  data: unknown;
}

export interface SseOptions {
  headers?: Record<string, string>;
  /** Stop reading (and disconnect) once this returns true for an event. */
  until?: (event: SseEvent, all: SseEvent[]) => boolean;
  timeoutMs?: number;
}

/** Reads Server-Sent Events from `url` as a browser's EventSource would, then disconnects. */
export async function readSse(url: string, options: SseOptions = {}): Promise<{ status: number; events: SseEvent[] }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 15_000);
  const events: SseEvent[] = [];
  try {
    const response = await fetch(url, { headers: options.headers, signal: controller.signal });
    if (!response.body || response.status !== 200) return { status: response.status, events };
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = parseBlock(block);
        if (!event) continue;
        events.push(event);
        if (options.until?.(event, events)) {
          controller.abort();
          return { status: response.status, events };
        }
      }
    }
    return { status: response.status, events };
  } catch (error) {
    if (controller.signal.aborted) return { status: 200, events };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function parseBlock(block: string): SseEvent | undefined {
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const [field, ...rest] = line.split(':');
    const value = rest.join(':').replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return undefined;
  return { id, event, data: JSON.parse(data.join('\n')) };
}
