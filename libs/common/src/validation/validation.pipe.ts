import { ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';
import type { ValidationError as ClassValidatorError } from 'class-validator';
import { FieldProblem, ValidationError } from '../errors/app.exception';

const LOCATIONS: Record<ArgumentMetadata['type'], string> = {
  body: 'body',
  query: 'query',
  param: 'path',
  custom: 'body',
};

function flatten(errors: ClassValidatorError[], parent: (string | number)[]): FieldProblem[] {
  return errors.flatMap((error) => {
    const loc = [...parent, /^\d+$/.test(error.property) ? Number(error.property) : error.property];
    const own = Object.values(error.constraints ?? {}).map((msg) => ({ loc, msg }));
    return [...own, ...flatten(error.children ?? [], loc)];
  });
}

class FieldErrors extends Error {
  constructor(readonly errors: ClassValidatorError[]) {
    super('validation failed');
  }
}

/**
 * The global pipe: unknown fields are rejected (not silently dropped, so
 * `is_admin: true` in a body is an error), values are converted to the DTO's
 * types, and failures answer 422 `{"detail": [{"loc", "msg"}]}` as FastAPI does.
 */
@Injectable()
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new FieldErrors(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const location = LOCATIONS[metadata.type];
    if (metadata.type === 'body' && this.expectsObject(metadata) && !this.isPlainObject(value)) {
      throw new ValidationError([{ loc: [location], msg: 'body must be a JSON object' }]);
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof FieldErrors) {
        throw new ValidationError(flatten(error.errors, [location]));
      }
      throw error;
    }
  }

  private expectsObject(metadata: ArgumentMetadata): boolean {
    return !!metadata.metatype && this.toValidate(metadata);
  }

  private isPlainObject(value: unknown): boolean {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}
