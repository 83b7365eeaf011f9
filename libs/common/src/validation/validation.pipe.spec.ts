import type { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { ValidationError } from '../errors/domain-error';
import { IsInt4 } from './int4';
import { Optional } from './optional';
import { AppValidationPipe } from './validation.pipe';

class Address {
  @IsString()
  city!: string;
}

class Body {
  @IsString()
  @Length(3, 3)
  trigramme!: string;

  @IsInt()
  @Min(0)
  @Max(2)
  level!: number;

  @ValidateNested()
  @Type(() => Address)
  address!: Address;

  @Optional()
  @IsArray()
  @IsInt4(1, { each: true })
  ids?: number[];
}

class Query {
  @Optional()
  @Type(() => Number)
  @IsInt4()
  before?: number;
}

async function detailOf(value: unknown, metadata: ArgumentMetadata = { type: 'body', metatype: Body }): Promise<unknown> {
  try {
    await new AppValidationPipe().transform(value, metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).detail;
  }
  throw new Error('expected a validation error');
}

describe('AppValidationPipe', () => {
  const valid = { trigramme: 'ABC', level: 1, address: { city: 'Lyon' } };

  it('passes a valid body through as an instance of the DTO', async () => {
    const result = await new AppValidationPipe().transform(valid, { type: 'body', metatype: Body });
    expect(result).toBeInstanceOf(Body);
  });

  it('rejects unknown fields instead of dropping them', async () => {
    expect(await detailOf({ ...valid, is_admin: true })).toEqual([
      { loc: ['body', 'is_admin'], msg: 'property is_admin should not exist' },
    ]);
  });

  it('reports wrong types with their location, nested ones included', async () => {
    const detail = (await detailOf({ ...valid, level: 'high', address: { city: 7 } })) as { loc: unknown[] }[];
    expect(detail.map((problem) => problem.loc)).toEqual(
      expect.arrayContaining([
        ['body', 'level'],
        ['body', 'address', 'city'],
      ]),
    );
  });

  it('asks for a JSON object when the body is anything else (a form is left unparsed)', async () => {
    const sendJson = [{ loc: ['body'], msg: 'body must be a JSON object: send it with Content-Type: application/json' }];
    expect(await detailOf([valid])).toEqual(sendJson);
    expect(await detailOf(undefined)).toEqual(sendJson);
  });

  it('says a missing field is required, once, whatever rules it has', async () => {
    expect(await detailOf({ ...valid, trigramme: undefined })).toEqual([{ loc: ['body', 'trigramme'], msg: 'trigramme is required' }]);
  });

  it('names the wrong type alone, not the range or length rules it then breaks', async () => {
    expect(await detailOf({ ...valid, level: '1', trigramme: 12 })).toEqual([
      { loc: ['body', 'trigramme'], msg: 'trigramme must be a string' },
      { loc: ['body', 'level'], msg: 'level must be an integer' },
    ]);
    expect(await detailOf({ ...valid, ids: [1, 'x'] })).toEqual([{ loc: ['body', 'ids'], msg: 'each value in ids must be an integer' }]);
    expect(await detailOf({ ...valid, ids: 'x' })).toEqual([{ loc: ['body', 'ids'], msg: 'ids must be an array' }]);
  });

  it('range-checks integers to their int4 column', async () => {
    expect(await detailOf({ ...valid, ids: [2 ** 31] })).toEqual([
      { loc: ['body', 'ids'], msg: 'each value in ids must not be greater than 2147483647' },
    ]);
    expect(await detailOf({ before: '99999999999' }, { type: 'query', metatype: Query })).toEqual([
      { loc: ['query', 'before'], msg: 'before must not be greater than 2147483647' },
    ]);
  });

  it('never echoes a field name that could be a pasted body or a secret', async () => {
    const detail = await detailOf({ ...valid, '{"password":"hunter2"}': '' });
    expect(detail).toEqual([{ loc: ['body'], msg: 'body has a field that should not exist' }]);
  });

  it.each([
    ['NUL', 'Ly\u0000on'],
    ['a lone high surrogate', 'Ly\ud800on'],
    ['a lone low surrogate', '\udc00Lyon'],
  ])('refuses %s in any string, nested or in a query, with its location', async (_kind, text) => {
    const msg = 'city must be valid text (no NUL character or unpaired surrogate)';
    expect(await detailOf({ ...valid, address: { city: text } })).toEqual([{ loc: ['body', 'address', 'city'], msg }]);
    expect(await detailOf({ before: text }, { type: 'query', metatype: Query })).toEqual([
      { loc: ['query', 'before'], msg: 'before must be valid text (no NUL character or unpaired surrogate)' },
    ]);
  });

  it('refuses invalid text in a field name without echoing it', async () => {
    expect(await detailOf({ ...valid, address: { city: 'Lyon', 'x\u0000': 1 } })).toEqual([
      { loc: ['body', 'address'], msg: 'address must be valid text (no NUL character or unpaired surrogate)' },
    ]);
  });

  it('accepts text with paired surrogates (emoji)', async () => {
    await expect(new AppValidationPipe().transform({ ...valid, address: { city: 'Lyon 🦁' } }, { type: 'body', metatype: Body })).resolves.toBeInstanceOf(Body);
  });
});
