import { Injectable, PipeTransform } from '@nestjs/common';
import { NotFoundError } from '../errors/domain-error';
import { INT4_MAX } from './int4';

/**
 * Path ids are positive 32-bit integers; anything else names no resource, so
 * it is the same 404 as a missing one (and never reaches the database).
 */
@Injectable()
export class IdPipe implements PipeTransform<string | number, number> {
  transform(value: string | number): number {
    // The global pipe may already have turned the string into a number.
    const text = String(value);
    const id = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(id) || id < 1 || id > INT4_MAX) throw new NotFoundError();
    return id;
  }
}
