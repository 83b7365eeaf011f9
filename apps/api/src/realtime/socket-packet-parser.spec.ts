import { Decoder, Encoder, PacketType } from 'socket.io-parser';
import type { Packet } from 'socket.io-parser';
import { PacketRefused, shapeCheckingParser } from './socket-packet-parser';

const limits = { maxDepth: 16, maxValues: 500 };
const parser = shapeCheckingParser(limits);
const keys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, '']));
/** `{"a":{"a":…1}}` as text: socket.io's encoder walks a payload recursively, so the deepest are written by hand. */
const nestedJson = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const eventText = (name: string, payloadJson: string) => `2["${name}",${payloadJson}]`;

/** What a decoder makes of the encoded parts of a packet, or what it throws. */
function decode(decoder: Decoder, parts: (string | Buffer)[]): Packet | Error {
  const decoded: Packet[] = [];
  decoder.on('decoded', (packet: Packet) => decoded.push(packet));
  try {
    parts.forEach((part) => decoder.add(part));
  } catch (error) {
    return error as Error;
  }
  return decoded[0];
}

const event = (...data: unknown[]): Packet => ({ type: PacketType.EVENT, nsp: '/', data });

describe('shapeCheckingParser', () => {
  it.each<[string, Packet]>([
    ['an event', event('send_message', { chat_id: 1, content: 'Zoé, "quoted" [x]', document_ids: [1, 2] })],
    ['an event with an ack id', { ...event('join_chat', { chat_id: 7 }), id: 12 }],
    ['an event to a namespace', { ...event('typing', { chat_id: 1, is_typing: true }), nsp: '/admin', id: 3 }],
    ['a binary event', event('upload', { name: 'a', data: Buffer.from('bytes') })],
    ['a connect with auth', { type: PacketType.CONNECT, nsp: '/', data: { token: 'abc' } }],
    ['a payload at the limits', event('send_message', { ...keys(484), deep: JSON.parse(nestedJson(15)) })],
  ])('decodes %s as socket.io does', (_kind, packet) => {
    const parts = new Encoder().encode(packet) as (string | Buffer)[];
    expect(decode(new parser.Decoder(), parts)).toEqual(decode(new Decoder(), parts));
  });

  it.each([
    ['50,000 keys', eventText('send_message', JSON.stringify(keys(50_000))), 'has more than 502 values (fields and array items)'],
    ['10,000-deep nesting', eventText('send_message', nestedJson(10_000)), 'is nested deeper than 17 levels'],
    ['one key past the limits', eventText('send_message', JSON.stringify(keys(501))), 'has more than 502 values'],
    ['one level past the limits', eventText('send_message', nestedJson(17)), 'is nested deeper than 17 levels'],
    ['a deep ack', `31${JSON.stringify([JSON.parse(nestedJson(20))])}`, 'is nested deeper than 17 levels'],
  ])('refuses %s before JSON.parse', (_kind, text, problem) => {
    const parse = jest.spyOn(JSON, 'parse');
    const refusal = decode(new parser.Decoder(), [text]);
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
    expect(refusal).toBeInstanceOf(PacketRefused);
    expect((refusal as Error).message).toContain(problem);
  });

  it('reads a namespace as a namespace, so its quotes cannot hide a deep payload', () => {
    const hidden = `2/[",["x",${'['.repeat(10_000)}${']'.repeat(10_000)}]`;
    expect(decode(new parser.Decoder(), [hidden])).toEqual(new PacketRefused('Socket packet is nested deeper than 17 levels'));
  });

  it('refuses text that is not a packet', () => {
    expect(decode(new parser.Decoder(), [' {"a":1}'])).toEqual(new PacketRefused('Not a Socket.IO packet'));
  });
});
