/** One versioned schema change, compiled from `sql/NNNNNN_name.sql`. */
export interface Migration {
  readonly id: number;
  readonly name: string;
  /** Code that predates a breaking migration must refuse to run against a database that has it. */
  readonly breaking: boolean;
  /** The script, with `:XCOM_SCHEMA` standing for the quoted schema name. */
  readonly sql: string;
  /**
   * Statements run after the migration's transaction commits, outside any transaction, in order (a batched backfill
   * that commits as it goes, `create index concurrently`). Each must be safe to run again: an interrupted online
   * part runs from its start at the next migrate().
   */
  readonly online?: readonly string[];
}
