import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors/domain-error';
import { BodyShapeLimits, jsonShapeProblem } from './body-shape';

/**
 * express.json's `verify`: runs on the raw body before JSON.parse, so a body
 * too deep or with too many values costs one linear scan (413), before
 * authentication and before any DTO is built.
 */
export function jsonShapeVerifier(limits: BodyShapeLimits) {
  return (_request: IncomingMessage, _response: unknown, body: Buffer, encoding: string): void => {
    // The scan reads ASCII structure, which only UTF-8 (JSON's own encoding) keeps byte for byte.
    if (encoding !== 'utf-8') throw new UnsupportedMediaTypeError('Send JSON encoded in UTF-8');
    const problem = jsonShapeProblem(body.toString('latin1'), limits);
    if (problem) throw new PayloadTooLargeError(`Request body ${problem}`);
  };
}
