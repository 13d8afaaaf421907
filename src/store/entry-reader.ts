import type { ValueCodec } from '../codec/value-codec';
import { preparedByText } from '../engines/prepared-by-text';
import type { SqlEngine } from '../engines/sql-engine';
import type { ObjectStore } from '../objects/object-store';
import { tracedDownload, tracedPull } from '../telemetry/store-telemetry';
import { entryColumns, entryMetaFromRow, type EntryRow } from './entry-rows';
import { FILTER_ORDER, filterSql, oneRunOf } from './filter-sql';
import { assertId, MAX_ID_LENGTH, MAX_KEY_LENGTH, type ResolvedIdentity } from './identity';
import { mapLimited } from './map-limited';
import { nonNegativeInteger, positiveInteger } from './read-checks';
import { readEntryObject } from './read-object';
import { openEntryStream } from './stream/read-stream';
import type { GetManyOptions, MappedRange, MappedScope, XComFilter, XComRecord, XComStreamRecord } from './types';

/**
 * The store's reads: rows by key, filter or mapped scope, their values decoded (objects fetched and verified by
 * digest), or one value as a stream. Identities and filters arrive checked by the caller.
 */
export class EntryReader {
  readonly #columns: string;

  constructor(
    private readonly engine: SqlEngine,
    private readonly quoted: string,
    private readonly objectStore: ObjectStore,
    private readonly codec: ValueCodec,
    private readonly concurrency: number,
  ) {
    this.#columns = entryColumns(quoted);
  }

  async get(id: ResolvedIdentity): Promise<XComRecord | undefined> {
    const row = await this.#row(id);
    return row ? this.#withValue(row) : undefined;
  }

  /**
   * An entry's value as a stream of bytes, undefined when there is none. Raw bytes in the object store (a streamed
   * value, a large Buffer) stream with flat memory, verified by digest at the end; other values are read whole.
   */
  async getStream(id: ResolvedIdentity): Promise<XComStreamRecord | undefined> {
    const row = await this.#row(id);
    if (!row) return undefined;
    const meta = entryMetaFromRow(row);
    return { ...meta, stream: await openEntryStream(meta, this.engine, this.objectStore, async () => (await this.#withValue(row)).value) };
  }

  getMany(filter: XComFilter, options: GetManyOptions): Promise<XComRecord[]> {
    return tracedPull({ 'xcom.pull.kind': 'filter' }, () => this.#getMany(filter, options), (rows) => rows.length);
  }

  async count(filter: XComFilter): Promise<number> {
    const { where, params } = filterSql(this.quoted, filter);
    const sql = `select count(*)::int as n from ${this.quoted}.entries e ${where}`;
    const [row] = await this.engine.query<{ n: number }>(sql, params, preparedByText(sql));
    return row?.n ?? 0;
  }

  mapped(scope: MappedScope, range: MappedRange): Promise<XComRecord[]> {
    return tracedPull({ 'xcom.pull.kind': 'mapped' }, () => this.#mapped(scope, range), (rows) => rows.length);
  }

  async #row(id: ResolvedIdentity): Promise<EntryRow | undefined> {
    const sql = `select ${this.#columns}, e.inline_value from ${this.quoted}.entries e
        where e.dag_id = $1 and e.run_id = $2 and e.task_id = $3 and e.map_index = $4 and e.key = $5`;
    const rows = await this.engine.query<EntryRow>(sql, [id.dagId, id.runId, id.taskId, id.mapIndex, id.key], preparedByText(sql));
    return rows[0];
  }

  async #getMany(filter: XComFilter, options: GetManyOptions): Promise<XComRecord[]> {
    const { where, params } = filterSql(this.quoted, filter);
    const limit = filter.limit === undefined ? '' : `limit $${params.push(positiveInteger('limit', filter.limit))}`;
    const withValues = options.values ?? true;
    const run = oneRunOf(filter);
    const columns = run ? entryColumns(this.quoted, { dag: `$${params.push(run.dagId)}`, run: `$${params.push(run.runId)}` }) : this.#columns;
    const sql = `select ${columns}${withValues ? ', e.inline_value' : ''} from ${this.quoted}.entries e
         ${where} ${FILTER_ORDER} ${limit}`;
    const rows = await this.engine.query<EntryRow>(sql, params, preparedByText(sql));
    if (!withValues) return rows.map((row) => ({ ...entryMetaFromRow(row), value: undefined }));
    return mapLimited(rows, this.concurrency, (row) => this.#withValue(row));
  }

  async #mapped(scope: MappedScope, range: MappedRange): Promise<XComRecord[]> {
    assertId('dagId', scope.dagId, MAX_ID_LENGTH);
    assertId('runId', scope.runId, MAX_ID_LENGTH);
    assertId('taskId', scope.taskId, MAX_ID_LENGTH);
    assertId('key', scope.key, MAX_KEY_LENGTH);
    const offset = nonNegativeInteger('offset', range.offset ?? 0);
    const limit = range.limit === undefined ? undefined : nonNegativeInteger('limit', range.limit);
    if (limit === 0) return [];
    // The primary key (dag_id, run_id, task_id, map_index, key) serves both the filter and the order.
    const rows = await this.engine.query<EntryRow>(
      `select ${this.#columns}, e.inline_value from ${this.quoted}.entries e
        where e.dag_id = $1 and e.run_id = $2 and e.task_id = $3 and e.key = $4 and e.map_index >= 0
        order by e.map_index offset $5 ${limit === undefined ? '' : 'limit $6'}`,
      [scope.dagId, scope.runId, scope.taskId, scope.key, offset, ...(limit === undefined ? [] : [limit])],
    );
    return mapLimited(rows, this.concurrency, (row) => this.#withValue(row));
  }

  async #withValue(row: EntryRow): Promise<XComRecord> {
    const meta = entryMetaFromRow(row);
    const objectKey = row.object_key;
    const stored = objectKey === null ? row.inline_value! : await tracedDownload(objectKey, () => readEntryObject(this.engine, this.objectStore, meta));
    const value = await this.codec.decode(stored, meta.encoding, meta.digest, meta);
    return { ...meta, value };
  }
}
