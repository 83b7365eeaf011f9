import { Decoder, Encoder } from 'socket.io-parser';
import { jsonShapeProblem } from '#common';
import type { BodyShapeLimits } from '#common';

/**
 * A packet's text is `<type>[<attachments>-][<namespace>,][<ack id>]<JSON>` (protocol v5).
 * Only a namespace may hold quotes or brackets, so it must not be scanned as JSON.
 */
const PACKET_HEADER = /^(?:[0-4]|[56]\d+-)(?:\/[^,]*,)?/;

export class PacketRefused extends Error {}

/** Why a packet's text is too costly to parse, or undefined; read in one pass, before JSON.parse. */
export function packetShapeProblem(packet: string, limits: BodyShapeLimits): string | undefined {
  const header = PACKET_HEADER.exec(packet);
  if (!header) return 'Not a Socket.IO packet';
  // The event's arguments array wraps the payload: one level and two values (event name, payload) more.
  const problem = jsonShapeProblem(packet.slice(header[0].length), { maxDepth: limits.maxDepth + 1, maxValues: limits.maxValues + 2 });
  return problem && `Socket packet ${problem}`;
}

/**
 * socket.io's `parser` option: packets are shape-checked before JSON.parse, so an
 * event of 50,000 keys costs one linear scan. A refused packet throws, which
 * makes socket.io close that client's connection (and only that one).
 */
export function shapeCheckingParser(limits: BodyShapeLimits) {
  class ShapeCheckingDecoder extends Decoder {
    override add(packet: unknown): void {
      const problem = typeof packet === 'string' ? packetShapeProblem(packet, limits) : undefined;
      if (problem) throw new PacketRefused(problem);
      super.add(packet);
    }
  }
  return { Encoder, Decoder: ShapeCheckingDecoder };
}
