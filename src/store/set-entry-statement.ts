import { keyedCommitParams, type KeyedEntry } from './keyed-commit-statement';

/** set_entry's parameters (sql/000010_set_function.sql): the keyed statement's columns, in its order. */
const PARAMETER_COUNT = 17;

export interface SetEntryRow {
  written: boolean;
}

/**
 * One keyed write through `set_entry`: what the keyed commit statement does for one entry, with plans PL/pgSQL
 * caches per session. On PGlite, whose query API cannot keep a statement prepared, this is what makes a single
 * `set` cheap; the batch statement stays for several entries, where its planning is shared.
 */
export function setEntryStatement(schema: string): string {
  // No casts: the one signature types the parameters, and 17 casts to parse cost PGlite ~20 µs a call.
  const args = Array.from({ length: PARAMETER_COUNT }, (_, k) => `$${k + 1}`).join(', ');
  return `select ${schema}.set_entry(${args}) as written`;
}

/** set_entry's arguments: the keyed statement's column arrays for this one entry (one order to keep in step). */
export function setEntryParams(write: KeyedEntry): unknown[] {
  return keyedCommitParams([write]).map((column) => (column as unknown[])[0]);
}
