import type { XComBackend } from '../store/backend';
import { passThroughBut } from '../store/backend-view';
import type { ResolvedIdentity, XComIdentity } from '../store/identity';
import type { XComRecord } from '../store/types';
import type { AuditedRead } from './audited-read';

/**
 * The entry versions one task attempt read, each once (by identity and digest), in the order first read. They travel
 * with the attempt's commit into the audit table (sql/000007_audit.sql): auditing costs rows in a transaction the
 * attempt runs anyway, never a round trip per read.
 */
export class ReadLog {
  readonly #reads = new Map<string, AuditedRead>();

  /** Notes that the attempt got `version` (a record it read, or a ref it resolved). */
  note(version: ResolvedIdentity & { readonly digest: string }): void {
    const { dagId, runId, taskId, mapIndex, key, digest } = version;
    // Ids hold no control characters (src/store/identity.ts), so U+0001 separates them; cheaper than JSON per read.
    const id = `${dagId}\u0001${runId}\u0001${taskId}\u0001${mapIndex}\u0001${key}\u0001${digest}`;
    if (!this.#reads.has(id)) this.#reads.set(id, { dagId, runId, taskId, mapIndex, key, digest, readAt: new Date() });
  }

  list(): AuditedRead[] {
    return [...this.#reads.values()];
  }
}

const LOG = Symbol('xcom.readLog');
const INNER = Symbol('xcom.readInner');

interface RecordingBackend extends XComBackend {
  readonly [LOG]: ReadLog;
  readonly [INNER]: XComBackend;
}

/**
 * A view of `inner` whose reads of values (`get`, `getStream`, `getMany`, `mapped`) are noted in `log`: every read path of a task
 * (pulls, mapped sequences, refs and lookups in its arguments) goes through it, so none can be missed. Metadata-only
 * reads (`getMany` without values, `count`) read no value and are not noted.
 */
export function recordingReads(inner: XComBackend, log: ReadLog): XComBackend {
  const noteAll = (records: XComRecord[]) => (records.forEach((r) => log.note(r)), records);
  const view: RecordingBackend = {
    [LOG]: log,
    [INNER]: inner,
    ...passThroughBut(inner),
    async get(identity) {
      const record = await inner.get(identity);
      if (record) log.note(record);
      return record;
    },
    ...(inner.getStream && {
      async getStream(identity: XComIdentity) {
        const record = await inner.getStream!(identity);
        if (record) log.note(record);
        return record;
      },
    }),
    getMany: async (filter, options) =>
      options?.values === false ? inner.getMany(filter, options) : noteAll(await inner.getMany(filter, options)),
    mapped: async (scope, range) => noteAll(await inner.mapped(scope, range)),
  };
  return view;
}

/** The backend under a recording view (for caches shared by every attempt of a worker), or `store` itself. */
export function unrecorded(store: XComBackend): XComBackend {
  return (store as Partial<RecordingBackend>)[INNER] ?? store;
}

/** Notes a read served without going through the view (a value shared between attempts, read once). */
export function noteRead(store: XComBackend, version: ResolvedIdentity & { readonly digest: string }): void {
  (store as Partial<RecordingBackend>)[LOG]?.note(version);
}
