import { InvalidArgumentError } from 'commander';
import { dateArg, integerArg } from '../cli/cli-options';
import { MAX_PAGE } from '../cli/page-options';
import { XComIdentityError } from '../errors';

/** A request the page cannot answer as asked: its status and a message that names the parameter. */
export class UiRequestError extends Error {
  override readonly name = 'UiRequestError';
  constructor(
    readonly status: 400 | 403 | 404,
    message: string,
  ) {
    super(message);
  }
}

/** The query parameters of a request, parsed with the CLI's own flag parsers (so both say the same about bad input). */
export class QueryParams {
  constructor(private readonly params: URLSearchParams) {}

  string(name: string): string | undefined {
    const value = this.params.get(name);
    return value === null || value === '' ? undefined : value;
  }

  limit(defaultLimit: number): number {
    return this.parsed('limit', integerArg('limit', 1, MAX_PAGE)) ?? defaultLimit;
  }

  date(name: string): Date | undefined {
    return this.parsed(name, dateArg(name));
  }

  /** A switch: absent, empty, `0` or `false` is off; `1`, `true` or `on` (a checked checkbox) is on. */
  flag(name: string): boolean {
    const raw = this.string(name);
    if (raw === undefined || raw === '0' || raw === 'false') return false;
    if (raw === '1' || raw === 'true' || raw === 'on') return true;
    throw new InvalidArgumentError(`${name} '${raw.slice(0, 40)}' is not a switch (1, true, on; 0, false)`);
  }

  /** A cursor of the given listing (the `next` a page printed); anything else is a 400 naming the parameter. */
  cursor<C>(name: string, parse: (raw: string) => C): C | undefined {
    return this.parsed(name, (raw) => {
      try {
        return parse(raw);
      } catch {
        throw new InvalidArgumentError(`${name} '${raw.slice(0, 40)}' is not a cursor this listing returned as next`);
      }
    });
  }

  private parsed<T>(name: string, parse: (raw: string) => T): T | undefined {
    const raw = this.string(name);
    return raw === undefined ? undefined : parse(raw);
  }
}

/** The status a failure answers with: the parsers' and the store's complaints about input are the caller's (400). */
export function statusOf(err: unknown): number {
  if (err instanceof UiRequestError) return err.status;
  if (err instanceof InvalidArgumentError || err instanceof XComIdentityError) return 400;
  return 500;
}

/** A map index from a path segment: -1 (not mapped) or 0, 1, … */
export const mapIndexOf = integerArg('map index', -1);
