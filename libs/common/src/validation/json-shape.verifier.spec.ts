import type { IncomingMessage } from 'node:http';
import { knownErrorReply } from '../errors/error-mapping';
import { jsonShapeVerifier } from './json-shape.verifier';

const verify = jsonShapeVerifier({ maxDepth: 2, maxValues: 10 });
const refusal = (text: string, encoding = 'utf-8') => {
  try {
    verify({} as IncomingMessage, {}, Buffer.from(text, encoding === 'utf-8' ? 'utf8' : 'utf16le'), encoding);
  } catch (error) {
    return { status: knownErrorReply(error)?.status, message: (error as Error).message };
  }
  return undefined;
};

describe('jsonShapeVerifier', () => {
  it('lets a body within the limits through to JSON.parse', () => {
    expect(refusal('{"name":"Zoé","ids":[1,2]}')).toBeUndefined();
  });

  it('refuses a body past a limit with 413, naming the limit', () => {
    expect(refusal('{"a":{"b":{"c":1}}}')).toEqual({ status: 413, message: 'Request body is nested deeper than 2 levels' });
    expect(refusal(JSON.stringify(Array(11).fill(0)))).toEqual({
      status: 413,
      message: 'Request body has more than 10 values (fields and array items)',
    });
  });

  it('refuses JSON in another encoding (415), which the byte scan could not read', () => {
    expect(refusal('[[[[1]]]]', 'utf-16le')).toEqual({ status: 415, message: 'Send JSON encoded in UTF-8' });
  });
});
