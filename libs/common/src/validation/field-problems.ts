import type { ValidationError as ClassValidatorError } from 'class-validator';
import type { FieldProblem } from '../errors/domain-error';

// Checked in this order; when one fails, range and format rules say nothing useful.
const TYPE_MESSAGES: Record<string, string> = {
  isArray: 'must be an array',
  isInt: 'must be an integer',
  isNumber: 'must be a number',
  isString: 'must be a string',
  isBoolean: 'must be true or false',
};

// An unknown field is named back only if its name looks like one (never a pasted body or secret).
const PLAIN_NAME = /^[A-Za-z_][\w-]{0,63}$/;

/** The field a location names: its last string part. */
export const nameOf = (loc: (string | number)[]) => String(loc.findLast((part) => typeof part === 'string') ?? 'body');

/** One clear reason when the value is missing or of the wrong type; every broken rule otherwise. */
function messagesOf(error: ClassValidatorError): string[] {
  const constraints = error.constraints ?? {};
  const messages = Object.values(constraints);
  if (messages.length === 0) return [];
  // A DTO's own "… is required" wins (login: email, trigramme or username).
  if (error.value === undefined) return [messages.find((msg) => msg.includes('is required')) ?? `${error.property} is required`];
  const type = Object.keys(TYPE_MESSAGES).find((key) => key in constraints);
  if (!type) return messages;
  const each = constraints[type].startsWith('each value in ') ? 'each value in ' : '';
  return [`${each}${error.property} ${TYPE_MESSAGES[type]}`];
}

/** class-validator's errors as `[{loc, msg}]`, nested ones included; values are never echoed. */
export function fieldProblems(errors: ClassValidatorError[], parent: (string | number)[]): FieldProblem[] {
  return errors.flatMap((error) => {
    if (error.constraints?.whitelistValidation && !PLAIN_NAME.test(error.property)) {
      return [{ loc: parent, msg: `${nameOf(parent)} has a field that should not exist` }];
    }
    const loc = [...parent, /^\d+$/.test(error.property) ? Number(error.property) : error.property];
    return [...messagesOf(error).map((msg) => ({ loc, msg })), ...fieldProblems(error.children ?? [], loc)];
  });
}
