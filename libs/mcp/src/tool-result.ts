/** A content block of a tool result, as MCP servers send them (only the fields read here). */
export interface ResultBlock {
  type: string;
  text?: string;
  data?: string;
  mimeType?: string;
  resource?: { uri?: string; text?: string; blob?: string; mimeType?: string };
  uri?: string;
  name?: string;
}

/**
 * What the model reads of a tool result: its text blocks joined, other blocks
 * described in a line (never fetched or decoded), cut at `maxBytes` of UTF-8.
 */
export function resultText(blocks: ResultBlock[], maxBytes: number): { content: string; truncated: boolean } {
  const joined = blocks.map(describeBlock).join('\n');
  return capBytes(joined, maxBytes);
}

function describeBlock(block: ResultBlock): string {
  switch (block.type) {
    case 'text':
      return block.text ?? '';
    case 'image':
    case 'audio':
      return `[${block.type} ${block.mimeType ?? 'unknown type'}, ${base64Bytes(block.data)} bytes]`;
    case 'resource': {
      const resource = block.resource ?? {};
      if (typeof resource.text === 'string') return resource.text;
      return `[resource ${resource.uri ?? ''} ${resource.mimeType ?? ''}, ${base64Bytes(resource.blob)} bytes]`.replace(/ +/g, ' ');
    }
    case 'resource_link':
      return `[resource link ${block.name ?? ''} ${block.uri ?? ''}]`.replace(/ +/g, ' ');
    default:
      return `[${String(block.type)} content]`;
  }
}

function base64Bytes(data: string | undefined): number {
  return data ? Buffer.byteLength(data, 'base64') : 0;
}

/** Cut on a character boundary, so the result stays valid UTF-8. */
export function capBytes(text: string, maxBytes: number): { content: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { content: text, truncated: false };
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return { content: bytes.subarray(0, end).toString('utf8'), truncated: true };
}
