import type { SqlEngine } from '../../src/engines/sql-engine';
import type { ObjectStore } from '../../src/objects/object-store';
import { XComStore, type XComStoreOptions } from '../../src/store/xcom-store';
import { openEngine, openObjectStore, type EngineKind, type ObjectStoreKind } from '../helpers/store-fixtures';
import { describeMigrationConformance } from './conformance-migrations';
import { describeObjectCollectionConformance } from './conformance-objects';
import { describeOwnershipConformance } from './conformance-ownership';
import { describeRetentionConformance } from './conformance-retention';
import { describeStreamConformance } from './conformance-streams';
import { describeQueryConformance } from './conformance-queries';
import { describeValueConformance } from './conformance-values';
import { describeWriteConformance } from './conformance-writes';

/** What every conformance group gets: the pair under test, and a way to build stores with other limits on it. */
export interface ConformanceContext {
  readonly engine: SqlEngine;
  readonly objects: ObjectStore;
  /** The store under test, with default limits. */
  readonly store: XComStore;
  /** Another store over the same engine and object store (not to be closed). */
  readonly storeWith: (options: Partial<XComStoreOptions>) => XComStore;
  readonly engineKind: EngineKind;
}

/**
 * The store conformance suite: the same cases against one engine × object store pair. Run once per pair by the
 * four `*.test.ts` files beside this one.
 */
export function describeStoreConformance(engineKind: EngineKind, objectKind: ObjectStoreKind): void {
  describe(`XComStore conformance: ${engineKind} + ${objectKind}`, () => {
    let released: (() => Promise<void>)[] = [];
    let context: ConformanceContext | undefined;
    const ctx = (): ConformanceContext => {
      if (!context) throw new Error('conformance context not opened');
      return context;
    };

    beforeAll(async () => {
      const engine = await openEngine(engineKind);
      const objects = await openObjectStore(objectKind);
      released = [objects.release, engine.release];
      const storeWith = (options: Partial<XComStoreOptions>): XComStore =>
        new XComStore({ engine: engine.value, objectStore: objects.value, ...options });
      context = { engine: engine.value, objects: objects.value, store: storeWith({}), storeWith, engineKind };
    });

    afterAll(async () => {
      for (const release of released) await release();
    });

    describeValueConformance(ctx);
    describeWriteConformance(ctx);
    describeQueryConformance(ctx);
    describeMigrationConformance(ctx);
    describeOwnershipConformance(ctx);
    describeObjectCollectionConformance(ctx);
    describeRetentionConformance(ctx);
    describeStreamConformance(ctx);
  });
}
