import { entryCursorArg, entryPage } from '../cli/queries/entry-page';
import { ledgerCursorArg, ledgerPage } from '../cli/queries/ledger-page';
import { taskCursorArg, taskStatePage } from '../cli/queries/task-states';
import { taskInstanceItem } from '../cli/task-state';
import { quoteSchema } from '../migrations/schema-name';
import { listRunDates } from '../store/retention/list-runs';
import type { XComStore } from '../store/xcom-store';
import type { EntryRow } from '../store/entry-rows';
import type { LedgerRecord } from '../store/types';
import { dagCursorArg, dagPage, type DagSummary } from './dag-page';
import type { Mask } from './masking';
import type { RunsDoc } from './pages/runs-page';
import { UiRequestError, type QueryParams } from './ui-request';
import type { TemporalLinks } from './temporal-links';
import { previewEntry, type ValuePreview } from './value-preview';

export interface UiSettings {
  /** Serve full values at `…/download`. @default false */
  readonly allowDownload: boolean;
  readonly mask: Mask;
  /** The Temporal Web UI (`TEMPORAL_UI_URL`) and namespace, for links to workflows. */
  readonly temporal?: TemporalLinks;
}

/** A task instance: where its XComs and ledger live. */
export interface TaskAddress {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly mapIndex: number;
}

const PAGE = 50;

/**
 * The documents the page shows and `/api/…` returns, one method per listing: every list is a keyset page (`next` is
 * the cursor of the page after it) served by the CLI's queries, and values appear only as bounded previews.
 */
export class UiData {
  readonly #store: XComStore;
  readonly #schema: string;

  constructor(
    store: XComStore,
    readonly settings: UiSettings,
  ) {
    this.#store = store;
    this.#schema = quoteSchema(store.schema);
  }

  async dags(q: QueryParams): Promise<{ dags: readonly DagSummary[]; next?: string }> {
    return dagPage(this.#store.engine, this.#schema, { limit: q.limit(PAGE), after: q.cursor('after', dagCursorArg) });
  }

  /**
   * Runs newest first. Each run's entries and stored bytes only with `sizes` (the page's checkbox): they cost a count
   * over every listed run's entries, several times the listing itself (bench:scale: the first page at 3M entries is
   * under 3× a primary-key select without them, 8× with them), and a reader scanning runs rarely needs them.
   */
  async runs(q: QueryParams): Promise<RunsDoc> {
    const filter = { dagId: q.string('dag'), from: q.date('from'), to: q.date('to'), sizes: q.flag('sizes') };
    const request = { dagId: filter.dagId, from: filter.from, to: filter.to, limit: q.limit(PAGE), after: q.string('after') };
    if (!filter.sizes) return { filter, ...(await listRunDates(this.#store.engine, this.#schema, request)) };
    const page = await this.#store.listRuns(request);
    return { filter, runs: page.runs.map(({ bytes, ...run }) => ({ ...run, storedBytes: bytes })), next: page.next };
  }

  async run(dagId: string, runId: string, q: QueryParams) {
    const page = await taskStatePage(this.#store.engine, this.#schema, {
      dagId,
      runId,
      limit: q.limit(100),
      after: q.cursor('after', taskCursorArg),
    });
    return {
      dagId,
      runId,
      temporalUrl: this.settings.temporal?.workflow(runId),
      tasks: page.rows.map(taskInstanceItem),
      next: page.next,
    };
  }

  async xcoms(task: TaskAddress, q: QueryParams) {
    const page = await entryPage(this.#store.engine, this.#schema, { ...task, limit: q.limit(PAGE), after: q.cursor('after', entryCursorArg) });
    const temporalRunId = page.rows.find((r) => r.temporal_run_id !== null)?.temporal_run_id ?? undefined;
    return {
      ...task,
      temporalUrl: this.settings.temporal?.workflow(task.runId, temporalRunId),
      xcoms: page.rows.map((row) => entryMeta(row, this.settings.mask)),
      next: page.next,
    };
  }

  /** The task instance's ledger; `cursorParam` names the query parameter of its cursor (the page has two listings). */
  async ledger(task: TaskAddress, q: QueryParams, cursorParam = 'after'): Promise<TaskAddress & { records: readonly LedgerRecord[]; next?: string }> {
    const after = q.cursor(cursorParam, ledgerCursorArg);
    const page = await ledgerPage(this.#store.engine, this.#schema, { ...task, limit: q.limit(100), after });
    return { ...task, ...page };
  }

  /** One XCom with the preview of its value. */
  async value(task: TaskAddress, key: string): Promise<TaskAddress & EntryMeta & { preview: ValuePreview }> {
    const row = await this.entry(task, key);
    const preview = await previewEntry(row, { objectStore: this.#store.objectStore, mask: this.settings.mask });
    return { ...task, ...entryMeta(row, this.settings.mask), preview };
  }

  /** The entry's row with its inline value; a 404 naming the XCom when there is none. */
  async entry(task: TaskAddress, key: string): Promise<EntryRow> {
    const page = await entryPage(this.#store.engine, this.#schema, { ...task, key, limit: 1 });
    const row = page.rows[0];
    if (row === undefined) {
      throw new UiRequestError(404, `no XCom dag=${task.dagId} run=${task.runId} task=${task.taskId} map_index=${task.mapIndex} key=${key}`);
    }
    return row;
  }
}

export type EntryMeta = ReturnType<typeof entryMeta>;

/** What the XCom list shows of an entry (no value). */
export function entryMeta(row: EntryRow, mask: Mask) {
  return {
    key: row.key,
    attempt: row.attempt,
    sizeBytes: Number(row.size_bytes),
    storedBytes: Number(row.stored_bytes),
    stored: row.object_key === null ? ('inline' as const) : ('object store' as const),
    encoding: row.encoding,
    digest: row.digest,
    objectKey: row.object_key,
    temporalRunId: row.temporal_run_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    exclusiveWriter: row.exclusive_writer ?? null,
    exclusiveReaders: row.exclusive_readers ?? null,
    masked: mask([row.key]),
  };
}
