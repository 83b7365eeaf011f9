import { ValidateIf } from 'class-validator';

/**
 * The field may be left out, but if present it must be valid: unlike
 * class-validator's IsOptional, `null` is not waved through (a null name would
 * otherwise reach the database as a 500).
 */
export function Optional(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}

/** The field may be left out or set to null (to clear it). */
export function Nullable(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined && value !== null);
}
