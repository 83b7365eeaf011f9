import { redactUrl } from './redact-url';

/**
 * Small parsers for environment values. Each returns the parsed value or throws
 * an Error whose message says what was expected; `readEnv` turns those into one
 * report naming every bad variable.
 */
export type Env = Record<string, string | undefined>;

export class EnvReader {
  readonly problems: string[] = [];
  /** Accepted here, refused in production (e.g. a weak secret in development). */
  readonly warnings: string[] = [];

  constructor(private readonly env: Env) {}

  /** The raw value; an empty or blank string counts as unset. */
  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, fallback: number, min: number, max: number): number {
    return this.parse(name, fallback, (value) => {
      if (!/^-?\d+$/.test(value)) throw new Error('must be an integer');
      const parsed = Number(value);
      if (parsed < min || parsed > max) throw new Error(`must be between ${min} and ${max}`);
      return parsed;
    });
  }

  bool(name: string, fallback: boolean): boolean {
    return this.parse(name, fallback, (value) => {
      const lower = value.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
      if (['0', 'false', 'no', 'off'].includes(lower)) return false;
      throw new Error('must be true or false');
    });
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    return this.parse(name, fallback, (value) => {
      const lower = value.toLowerCase() as T;
      if (!allowed.includes(lower)) throw new Error(`must be one of ${allowed.join(', ')}`);
      return lower;
    });
  }

  /** Failures quote the URL with its password hidden. */
  url(name: string, protocols: readonly string[]): string | undefined {
    return this.parse<string | undefined>(name, undefined, (value) => {
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        throw new Error('must be a URL');
      }
      if (!protocols.includes(parsed.protocol)) {
        throw new Error(`must use ${protocols.join(' or ')}`);
      }
      return value;
    }, redactUrl);
  }

  /** A list given as a JSON array (as in the seed) or comma-separated. */
  list(name: string, fallback: string[]): string[] {
    return this.parse(name, fallback, (value) => {
      if (value.startsWith('[')) {
        const parsed: unknown = JSON.parse(value);
        if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
          throw new Error('must be a JSON array of strings');
        }
        return parsed.map((item) => item.trim()).filter(Boolean);
      }
      return value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    });
  }

  /** Duration in seconds, given as a number of seconds or with a unit: 30s, 15m, 12h, 7d. */
  duration(name: string, fallbackSeconds: number): number {
    return this.parse(name, fallbackSeconds, (value) => {
      const match = /^(\d+)\s*([smhd]?)$/i.exec(value);
      if (!match) throw new Error('must be a duration such as 3600, 60m, 12h or 7d');
      const factor = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2].toLowerCase()] ?? 1;
      const seconds = Number(match[1]) * factor;
      if (seconds <= 0) throw new Error('must be positive');
      return seconds;
    });
  }

  fail(name: string, message: string): void {
    this.problems.push(`${name}: ${message}`);
  }

  warn(name: string, message: string): void {
    this.warnings.push(`${name}: ${message}`);
  }

  private parse<T>(name: string, fallback: T, parser: (value: string) => T, shown = (value: string) => value): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    try {
      return parser(value);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.fail(name, `${reason} (got "${shown(value)}")`);
      return fallback;
    }
  }
}
