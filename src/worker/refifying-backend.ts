import { entryRef, type XComRef } from '../common/xcom-ref';
import type { XComBackend } from '../store/backend';
import { mapLimited } from '../store/map-limited';
import type { GetManyOptions, XComEntryMeta, XComFilter, XComRecord } from '../store/types';

/**
 * A view of a backend whose reads return an `XComRef` in place of any value at or above `thresholdBytes`, without
 * loading it. Workflow-side pulls read through it, so a large value never lands in workflow history. `sign` signs
 * each ref handed out (the worker's key).
 */
export function refifyingBackend(inner: XComBackend, thresholdBytes: number, sign: (ref: XComRef) => XComRef): XComBackend {
  const large = (meta: XComEntryMeta) => meta.sizeBytes >= thresholdBytes;
  const withRef = (meta: XComEntryMeta): XComRecord => ({ ...meta, value: sign(entryRef(meta)) });
  return {
    ...bindAll(inner),
    async get(identity) {
      const [meta] = await inner.getMany(
        { dagIds: identity.dagId, runId: identity.runId, taskIds: identity.taskId, mapIndexes: identity.mapIndex ?? -1, key: identity.key },
        { values: false },
      );
      if (!meta) return undefined;
      return large(meta) ? withRef(meta) : inner.get(identity);
    },
    async getMany(filter: XComFilter, options: GetManyOptions = {}): Promise<XComRecord[]> {
      if (options.values === false) return inner.getMany(filter, options);
      const metas = await inner.getMany(filter, { values: false });
      if (!metas.some(large)) return inner.getMany(filter, options);
      return mapLimited(metas, 8, async (meta) => (large(meta) ? withRef(meta) : ((await inner.get(meta)) ?? withRef(meta))));
    },
  };
}

function bindAll(backend: XComBackend): XComBackend {
  return {
    set: (w) => backend.set(w),
    commit: (w) => backend.commit(w),
    commitAttempt: (c) => backend.commitAttempt(c),
    get: (i) => backend.get(i),
    getMany: (f, o) => backend.getMany(f, o),
    mapped: (s, r) => backend.mapped(s, r),
    count: (f) => backend.count(f),
    delete: (i) => backend.delete(i),
    clear: (s) => backend.clear(s),
    discard: (w) => backend.discard(w),
    ledger: (s) => backend.ledger(s),
    close: () => backend.close(),
  };
}
