// Pure module (no imports): the error a DAG that cannot run is rejected with, when it is defined.

/**
 * A DAG that cannot run: every problem found, at once. `code` survives Temporal's failure conversion, unlike
 * `instanceof`. The message has one line per problem, each prefixed with the DAG id.
 */
export class DagValidationError extends Error {
  readonly code = 'XCOM_DAG_INVALID';

  constructor(
    readonly dagId: string,
    readonly problems: readonly string[],
  ) {
    super(problems.map((problem) => `DAG ${quoteId(dagId)}: ${problem}`).join('\n'));
    this.name = 'DagValidationError';
  }
}

/** An id in single quotes, with control characters escaped so a message stays on one line. */
export function quoteId(id: unknown): string {
  if (typeof id !== 'string') return String(id);
  return `'${id.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
}
