import type { ObjectStore } from '../../src/objects/object-store';

/** A point a test holds an operation at: `reached` resolves when the operation gets there; `open()` lets it on. */
export interface Gate {
  readonly reached: Promise<void>;
  open(): void;
}

export function gate(): Gate & { arrive(): Promise<void> } {
  let arrived!: () => void;
  let opened!: () => void;
  const reached = new Promise<void>((resolve) => (arrived = resolve));
  const released = new Promise<void>((resolve) => (opened = resolve));
  return {
    reached,
    open: () => opened(),
    arrive: () => {
      arrived();
      return released;
    },
  };
}

/**
 * An object store that holds chosen operations at a gate: `afterPut` once the object is stored (so a writer sits
 * between its upload and its commit), `beforeDelete` before the object is removed (so a sweeper sits holding its
 * row locks). Everything else goes straight to `inner`.
 */
export function gatedObjectStore(
  inner: ObjectStore,
  gates: { afterPut?: ReturnType<typeof gate>; beforeDelete?: ReturnType<typeof gate> },
): ObjectStore {
  return {
    description: inner.description,
    async put(key, body) {
      await inner.put(key, body);
      await gates.afterPut?.arrive();
    },
    get: (key) => inner.get(key),
    exists: (key) => inner.exists(key),
    async delete(key) {
      await gates.beforeDelete?.arrive();
      await inner.delete(key);
    },
    list: (prefix) => inner.list(prefix),
    close: async () => undefined,
  };
}
