import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';

/**
 * Checks a tool's arguments against its input schema before the call, so a
 * server never sees arguments its schema refuses. Each schema is compiled once
 * (per tool list: a new list brings new schema objects).
 */
export class ArgumentValidator {
  // Unknown keywords and formats are a server's business: not a reason to refuse its tool.
  private readonly draft7 = new Ajv({ strict: false, validateFormats: false, logger: false });
  private readonly draft2020 = new Ajv2020({ strict: false, validateFormats: false, logger: false });
  private readonly compiled = new WeakMap<object, ValidateFunction | string>();

  /** null when valid; else what is wrong, in a line the model can act on. */
  problem(schema: Record<string, unknown>, args: unknown): string | null {
    const validate = this.validatorFor(schema);
    if (typeof validate === 'string') return validate;
    if (validate(args)) return null;
    const errors = (validate.errors ?? []).slice(0, 5).map((error) => `${error.instancePath || '(arguments)'} ${error.message ?? 'is invalid'}`);
    return `invalid arguments: ${errors.join('; ')}`;
  }

  private validatorFor(schema: Record<string, unknown>): ValidateFunction | string {
    let validate = this.compiled.get(schema);
    if (!validate) {
      try {
        const { $schema, ...rest } = schema;
        const ajv = typeof $schema === 'string' && $schema.includes('2020-12') ? this.draft2020 : this.draft7;
        validate = ajv.compile(rest);
      } catch {
        validate = "the tool's input schema is not valid JSON Schema";
      }
      this.compiled.set(schema, validate);
    }
    return validate;
  }
}
