import { Type } from 'class-transformer';
import { IsInt, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { ValidationError } from '../errors/app.exception';
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
}

async function detailOf(value: unknown): Promise<unknown> {
  try {
    await new AppValidationPipe().transform(value, { type: 'body', metatype: Body });
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

  it('rejects a body that is not a JSON object', async () => {
    expect(await detailOf([valid])).toEqual([{ loc: ['body'], msg: 'body must be a JSON object' }]);
    expect(await detailOf(undefined)).toEqual([{ loc: ['body'], msg: 'body must be a JSON object' }]);
  });
});
