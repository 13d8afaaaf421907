import type { ItemSource } from '../common/arg-refs';
import { XComError } from '../errors';
import { formatIdentity } from '../store/identity';
import { loadRef, resolveValue, type ResolveContext } from './resolve-refs';

/** Map functions of the DAGs registered with the plugin, by DAG id and function id (`xarg.map(fn)`). */
export interface MapFunctions {
  get(dagId: string, fnId: number): ((item: unknown) => unknown) | undefined;
}

/** A mapped input that cannot give the item a task instance needs. */
export class XComExpandError extends XComError {
  constructor(message: string) {
    super('XCOM_EXPAND', message);
  }
}

/** Item `index` of a mapped task's input, read lazily inside the task (one row for a mapped sequence). */
export async function resolveItem(context: ResolveContext, source: ItemSource, index: number): Promise<unknown> {
  switch (source.kind) {
    case 'literal':
      return resolveValue(context, at(source.items, index, 'a literal list'));
    case 'value':
      return at(asList(await loadRef(context.store, source.ref), `the output of task '${source.ref.taskId}'`), index, formatIdentity(source.ref));
    case 'lookup': {
      const value = (await context.store.get(source.lookup))?.value;
      return at(asList(value, formatIdentity(source.lookup)), index, formatIdentity(source.lookup));
    }
    case 'sequence': {
      const [record] = await context.store.mapped(source.sequence, { offset: index, limit: 1 });
      if (!record) throw new XComExpandError(`mapped results of task '${source.sequence.taskId}' have no item ${index}`);
      return record.value;
    }
    case 'map': {
      const fn = context.mapFunctions.get(source.dagId, source.fnId);
      if (!fn) {
        throw new XComExpandError(
          `map function ${source.fnId} of DAG '${source.dagId}' is not known to this worker: register the DAG with ` +
            'new XComPlugin({ dags: [...] }) so .map() functions can run inside tasks',
        );
      }
      return fn(await resolveItem(context, source.source, index));
    }
  }
}

/** The length of the list behind a source (the DAG runner's `__xcom_length`). */
export async function itemSourceLength(context: ResolveContext, source: ItemSource): Promise<number> {
  switch (source.kind) {
    case 'literal':
      return source.items.length;
    case 'value':
      return asList(await loadRef(context.store, source.ref), `the output of task '${source.ref.taskId}'`).length;
    case 'lookup':
      return asList((await context.store.get(source.lookup))?.value, formatIdentity(source.lookup)).length;
    case 'sequence':
      return context.store.count({
        dagIds: source.sequence.dagId,
        runId: source.sequence.runId,
        taskIds: source.sequence.taskId,
        key: source.sequence.key,
        mapIndexes: { start: 0, stop: 2 ** 31 },
      });
    case 'map':
      return itemSourceLength(context, source.source);
  }
}

function asList(value: unknown, what: string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  const type = value === null || value === undefined ? 'nothing' : Array.isArray(value) ? 'array' : typeof value;
  throw new XComExpandError(`expand needs a list, but ${what} is ${type}`);
}

function at(items: readonly unknown[], index: number, what: string): unknown {
  if (!Number.isInteger(index) || index < 0 || index >= items.length) {
    throw new XComExpandError(`item ${index} is out of range for ${what} (length ${items.length})`);
  }
  return items[index];
}
