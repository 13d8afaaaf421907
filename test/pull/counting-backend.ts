import type { XComBackend } from '../../src/store/backend';

/** A real backend seen through a thin wrapper that counts calls and the records they returned. */
export interface CountingBackend {
  readonly store: XComBackend;
  /** Calls per method name since the last reset. */
  readonly calls: Record<string, number>;
  /** Records returned by `getMany` and `mapped` since the last reset. */
  rowsFetched: number;
  reset(): void;
}

const READS = new Set(['getMany', 'mapped']);

export function countingBackend(real: XComBackend): CountingBackend {
  const counter: CountingBackend = {
    store: undefined as unknown as XComBackend,
    calls: {},
    rowsFetched: 0,
    reset() {
      for (const name of Object.keys(counter.calls)) delete counter.calls[name];
      counter.rowsFetched = 0;
    },
  };
  // A Proxy rather than a class: it keeps working as the backend interface grows.
  const store = new Proxy(real, {
    get(target, property, receiver) {
      const member = Reflect.get(target, property, receiver);
      if (typeof member !== 'function' || typeof property !== 'string') return member;
      return async (...args: unknown[]) => {
        counter.calls[property] = (counter.calls[property] ?? 0) + 1;
        // The real method, bound to the real store (it uses private fields).
        const result = await (member as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (Array.isArray(result) && READS.has(property)) counter.rowsFetched += result.length;
        return result;
      };
    },
  });
  return Object.assign(counter, { store });
}
