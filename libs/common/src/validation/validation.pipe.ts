import { ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';
import type { ValidationError as ClassValidatorError } from 'class-validator';
import { ValidationError } from '../errors/domain-error';
import { fieldProblems, nameOf } from './field-problems';
import { findInvalidText } from './invalid-text';

const LOCATIONS: Record<ArgumentMetadata['type'], string> = {
  body: 'body',
  query: 'query',
  param: 'path',
  custom: 'body',
};

class FieldErrors extends Error {
  constructor(readonly errors: ClassValidatorError[]) {
    super('validation failed');
  }
}

/**
 * The global pipe: unknown fields are rejected (not silently dropped, so
 * `is_admin: true` in a body is an error), text that is not valid Unicode
 * (NUL included) is refused wherever it is sent, values are converted to the
 * DTO's types, and failures answer 422 `{"detail": [{"loc", "msg"}]}` as FastAPI does.
 */
@Injectable()
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      // Values are kept only to tell a missing field; fieldProblems never puts them in a message.
      validationError: { target: false, value: true },
      exceptionFactory: (errors) => new FieldErrors(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const location = LOCATIONS[metadata.type];
    if (metadata.type === 'body' && this.expectsObject(metadata) && !this.isPlainObject(value)) {
      throw new ValidationError([{ loc: [location], msg: 'body must be a JSON object: send it with Content-Type: application/json' }]);
    }
    // Custom parameters (the signed-in user) come from the server, not the client.
    if (metadata.type !== 'custom') this.rejectInvalidText(value, [location, ...(metadata.data ? [metadata.data] : [])]);
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof FieldErrors) throw new ValidationError(fieldProblems(error.errors, [location]));
      throw error;
    }
  }

  private rejectInvalidText(value: unknown, root: string[]): void {
    const path = findInvalidText(value);
    if (!path) return;
    const loc = [...root, ...path];
    throw new ValidationError([{ loc, msg: `${nameOf(loc)} must be valid text (no NUL character or unpaired surrogate)` }]);
  }

  private expectsObject(metadata: ArgumentMetadata): boolean {
    return !!metadata.metatype && this.toValidate(metadata);
  }

  private isPlainObject(value: unknown): boolean {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}
