import type { XComBackend } from './backend';

/** The value reads a view of a backend replaces; everything else passes through. */
export type ValueReads = 'get' | 'getStream' | 'getMany' | 'mapped';

/**
 * Everything of `inner` but its value reads, forwarded as is: the base of views that watch or guard reads (the audit
 * trail's recording view, read isolation's guard).
 */
export function passThroughBut(inner: XComBackend): Omit<XComBackend, ValueReads> {
  return {
    set: (w) => inner.set(w),
    commit: (w) => inner.commit(w),
    commitAttempt: (c) => inner.commitAttempt(c),
    count: (f) => inner.count(f),
    delete: (i) => inner.delete(i),
    clear: (s) => inner.clear(s),
    discard: (w, r) => inner.discard(w, r),
    ledger: (s) => inner.ledger(s),
    close: () => inner.close(),
  };
}
