// Sandbox code: how many instances a mapped task has and what each one is called with (Airflow's expand).
import { isXComItemRef, isXComLookup, isXComSequenceRef, type ItemSource, type XComItemRef } from '../../common/arg-refs';
import { isXComRef } from '../../common/xcom-ref';
import type { MapSource, TaskSpec } from '../../dag/spec';
import { isPlainObject } from '../../dag/dag-builder';
import type { DagRunState } from './dag-run-state';
import { keyLookup, withReferences, type RunIdentity } from './task-arguments';

/** A mapped task that cannot expand: a non-list input, too many items. The task fails with this message. */
export class ExpandError extends Error {}

export interface Expansion {
  readonly count: number;
  argsFor(index: number): unknown[];
}

/** A resolved map source: its length, and the (small) argument standing for item `index`. */
interface SizedSource {
  readonly length: number;
  item(index: number): unknown;
}

export interface ExpandContext {
  readonly state: DagRunState;
  readonly run: RunIdentity;
  /** Length of a list only the store has seen (a `multipleOutputs` key), read through a local activity. */
  readonly lengthOf: (source: ItemSource) => Promise<number>;
  readonly maxMapLength: number;
}

export async function expandTask(task: TaskSpec, ctx: ExpandContext): Promise<Expansion> {
  const expand = task.expand!;
  const fixed = withReferences(task.args, ctx.state, ctx.run) as unknown[];
  let expansion: Expansion;
  if (expand.kind === 'kwargs') {
    const source = await sized(expand.source, ctx, task);
    const merge = fixed[0];
    if (merge !== undefined && !isPlainObject(merge)) throw new ExpandError(`task '${task.taskId}': partial() for expandKwargs() takes one object of fixed fields`);
    expansion = { count: source.length, argsFor: (i) => [kwargsArgument(source.item(i), merge, task)] };
  } else {
    const sources = await Promise.all(expand.sources.map((s) => sized(s, ctx, task)));
    const count = sources.reduce((n, s) => n * s.length, 1);
    expansion = {
      count,
      // Cross product, first parameter slowest: instance i picks item (i / stride) % length of each.
      argsFor: (i) => {
        let rest = i;
        const picked = new Array<unknown>(sources.length);
        for (let j = sources.length - 1; j >= 0; j--) {
          const s = sources[j]!;
          picked[j] = s.item(rest % s.length);
          rest = Math.floor(rest / s.length);
        }
        return [...fixed, ...picked];
      },
    };
  }
  if (expansion.count > ctx.maxMapLength) {
    throw new ExpandError(`task '${task.taskId}' would have ${expansion.count} mapped instances, above maxMapLength ${ctx.maxMapLength}`);
  }
  return expansion;
}

async function sized(source: MapSource, ctx: ExpandContext, task: TaskSpec): Promise<SizedSource> {
  switch (source.kind) {
    case 'literal': {
      const items = withReferences(source.items, ctx.state, ctx.run) as unknown[];
      return { length: items.length, item: (i) => items[i] };
    }
    case 'xcom':
      return xcomSource(source, ctx, task);
    case 'map': {
      const inner = await sized(source.source, ctx, task);
      return {
        length: inner.length,
        item: (i) => itemRef({ kind: 'map', dagId: ctx.run.dagId, fnId: source.fnId, source: { kind: 'literal', items: [inner.item(i)] } }, 0),
      };
    }
    case 'zip': {
      const parts = await Promise.all(source.sources.map((s) => sized(s, ctx, task)));
      const lengths = parts.map((p) => p.length);
      const length = source.longest ? Math.max(...lengths) : Math.min(...lengths);
      return { length, item: (i) => parts.map((p) => (i < p.length ? p.item(i) : source.fillValue)) };
    }
    case 'concat': {
      const parts = await Promise.all(source.sources.map((s) => sized(s, ctx, task)));
      return {
        length: parts.reduce((n, p) => n + p.length, 0),
        item: (i) => {
          let rest = i;
          for (const part of parts) {
            if (rest < part.length) return part.item(rest);
            rest -= part.length;
          }
          throw new RangeError(`concat index ${i} out of range`);
        },
      };
    }
  }
}

async function xcomSource(source: Extract<MapSource, { kind: 'xcom' }>, ctx: ExpandContext, task: TaskSpec): Promise<SizedSource> {
  const arg = source.arg;
  const producer = ctx.state.get(arg.taskId);
  if (producer.mapCount !== undefined) {
    const sequence = { $xcomSeq: 1 as const, ...ctx.run, taskId: arg.taskId, key: arg.key };
    const length = arg.key === 'return_value' ? (producer.instanceResults ?? []).filter((r) => r).length : await ctx.lengthOf({ kind: 'sequence', sequence });
    return { length, item: (i) => itemRef({ kind: 'sequence', sequence }, i) };
  }
  if (arg.key !== 'return_value') {
    const itemSource: ItemSource = { kind: 'lookup', lookup: keyLookup(arg, ctx.state, ctx.run) };
    return { length: await ctx.lengthOf(itemSource), item: (i) => itemRef(itemSource, i) };
  }
  const ref = producer.result;
  if (!ref) throw new ExpandError(`task '${task.taskId}' maps over the output of '${arg.taskId}', which pushed no value`);
  if (ref.length === undefined) {
    throw new ExpandError(`task '${task.taskId}' maps over the output of '${arg.taskId}', which is not a list`);
  }
  return { length: ref.length, item: (i) => itemRef({ kind: 'value', ref }, i) };
}

function itemRef(source: ItemSource, index: number): XComItemRef {
  return { $xcomItem: 1, source, index };
}

/**
 * One `expandKwargs` instance's argument. An item whose value only the store has (a task output, an item of one) goes
 * to the worker marked as kwargs, which checks it is an object; a plain object is merged here. Anything else fails
 * this instance only, as Airflow fails the map index whose item is not a dict.
 */
function kwargsArgument(item: unknown, merge: unknown, task: TaskSpec): unknown {
  const fields = merge as Record<string, unknown> | undefined;
  if (isXComItemRef(item)) return { ...item, kwargs: true as const, ...(fields && { merge: fields }) };
  if (isXComRef(item) || isXComLookup(item) || isXComSequenceRef(item)) {
    return { ...itemRef({ kind: 'literal', items: [item] }, 0), kwargs: true as const, ...(fields && { merge: fields }) };
  }
  if (isPlainObject(item)) return fields ? { ...fields, ...item } : item;
  throw new ExpandError(`task '${task.taskId}': expandKwargs() needs a list of objects, but this instance's item is ${describeItem(item)}`);
}

function describeItem(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return `a ${(value.constructor as { name?: string } | undefined)?.name ?? 'object'}`;
  // Never a string's text: errors reach logs and Temporal's history, and a list item may be a secret (a token).
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
