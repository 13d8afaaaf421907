import type { LedgerRecord, XComEntryMeta } from './types';

/** Columns selected for an entry; `e` is `entries`, `r` its `dag_runs` row. */
export const ENTRY_COLUMNS = `e.dag_id, e.run_id, e.task_id, e.map_index, e.key, e.attempt, e.fence, e.temporal_run_id,
  e.activity_type, r.logical_date, e.size_bytes, e.stored_bytes, e.digest, e.encoding, e.object_key,
  e.keep_until = 'infinity' as keep_forever, case when e.keep_until <> 'infinity' then e.keep_until end as keep_until,
  e.created_at, e.updated_at, e.exclusive_writer, e.exclusive_readers`;

/**
 * `ENTRY_COLUMNS` over `e` alone: the run's logical date comes from a subquery instead of a join with `r`. For the
 * store's prepared reads: a generic plan estimates a join over every row of a key and sizes its per-run cache for that
 * at every execution; a subquery runs once per row returned. When every row is of one run, named by the parameters
 * `run.dag` and `run.run` (`$n`), the subquery names it too and runs once for the statement (30 rows: half its time).
 */
export function entryColumns(schema: string, run?: { readonly dag: string; readonly run: string }): string {
  const which = run ? `r.dag_id = ${run.dag} and r.run_id = ${run.run}` : 'r.dag_id = e.dag_id and r.run_id = e.run_id';
  return ENTRY_COLUMNS.replace('r.logical_date', `(select r.logical_date from ${schema}.dag_runs r where ${which}) as logical_date`);
}

export interface EntryRow {
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  key: string;
  attempt: number;
  fence: number;
  temporal_run_id: string | null;
  activity_type: string | null;
  logical_date: Date | null;
  size_bytes: number;
  stored_bytes: number;
  digest: string;
  encoding: string;
  object_key: string | null;
  keep_forever: boolean | null;
  keep_until: Date | null;
  inline_value?: Buffer | null;
  created_at: Date;
  updated_at: Date;
  exclusive_writer?: string | null;
  exclusive_readers?: string[] | null;
}

export function entryMetaFromRow(row: EntryRow): XComEntryMeta {
  return {
    dagId: row.dag_id,
    runId: row.run_id,
    taskId: row.task_id,
    mapIndex: row.map_index,
    key: row.key,
    attempt: row.attempt,
    fence: Number(row.fence),
    temporalRunId: row.temporal_run_id,
    activityType: row.activity_type,
    logicalDate: row.logical_date,
    sizeBytes: Number(row.size_bytes),
    storedBytes: Number(row.stored_bytes),
    digest: row.digest,
    encoding: row.encoding,
    objectKey: row.object_key,
    retention: row.keep_forever ? 'forever' : (row.keep_until ?? 'run'),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    exclusiveWriter: row.exclusive_writer ?? null,
    exclusiveReaders: row.exclusive_readers ?? null,
  };
}

export interface LedgerRow {
  id: number;
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  key: string;
  attempt: number;
  fence: number;
  temporal_run_id: string | null;
  digest: string | null;
  size_bytes: number | null;
  object_key: string | null;
  outcome: LedgerRecord['outcome'];
  recorded_at: Date;
}

export function ledgerRecordFromRow(row: LedgerRow): LedgerRecord {
  return {
    id: Number(row.id),
    dagId: row.dag_id,
    runId: row.run_id,
    taskId: row.task_id,
    mapIndex: row.map_index,
    key: row.key,
    attempt: row.attempt,
    fence: Number(row.fence),
    temporalRunId: row.temporal_run_id,
    digest: row.digest,
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    objectKey: row.object_key,
    outcome: row.outcome,
    recordedAt: row.recorded_at,
  };
}
