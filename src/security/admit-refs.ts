import type { Info } from '@temporalio/activity';
import { isXComItemRef, isXComLookup, isXComSequenceRef, type ItemSource } from '../common/arg-refs';
import { isXComRef } from '../common/xcom-ref';
import { XComForgedRefError } from './security-errors';
import type { DagClaim, WorkerSecurity } from './worker-security';

/**
 * Checks every reference in a task's arguments before any is resolved: an `XComRef` must carry a MAC that verifies
 * and point at a DAG the task may read; a lookup or mapped sequence (the DAG runner makes those in workflow code,
 * which holds no key) must name the task's own run. Anything else fails the task naming where it was found.
 */
export function admitRefs(security: WorkerSecurity, info: Info, reader: DagClaim, args: readonly unknown[], operation: string): void {
  const check = new ArgumentCheck(security, info, reader, operation);
  args.forEach((arg, i) => check.value(arg, `args[${i}]`));
}

/** The same check for one item source (`__xcom_length`), `where` naming it. */
export function admitItemSource(security: WorkerSecurity, info: Info, reader: DagClaim, source: ItemSource, where: string, operation: string): void {
  new ArgumentCheck(security, info, reader, operation).source(source, where);
}

class ArgumentCheck {
  constructor(
    private readonly security: WorkerSecurity,
    private readonly info: Info,
    private readonly reader: DagClaim,
    private readonly operation: string,
  ) {}

  value(value: unknown, where: string): void {
    if (isXComRef(value)) return this.security.assertRef(this.info, this.reader, value, where, this.operation);
    if (isXComLookup(value) || isXComSequenceRef(value)) return this.ownRun(value, where);
    if (isXComItemRef(value)) return this.source(value.source, `${where}.source`);
    if (Array.isArray(value)) return value.forEach((item, i) => this.value(item, `${where}[${i}]`));
    if (isPlainObject(value)) for (const [key, item] of Object.entries(value)) this.value(item, `${where}${member(key)}`);
  }

  source(source: ItemSource, where: string): void {
    // A malformed source is left to the resolver, which fails it with its own message; only data access is checked.
    switch (source?.kind) {
      case 'literal':
        if (Array.isArray(source.items)) source.items.forEach((item, i) => this.value(item, `${where}.items[${i}]`));
        return;
      case 'value':
        return this.value(source.ref, `${where}.ref`);
      case 'lookup':
        return this.ownRun(source.lookup, `${where}.lookup`);
      case 'sequence':
        return this.ownRun(source.sequence, `${where}.sequence`);
      case 'map':
        return this.source(source.source, `${where}.source`);
      default:
        throw new XComForgedRefError(where, `${this.operation}: ${where} of task '${this.reader.taskId}' is an item reference of unknown kind`);
    }
  }

  ownRun(lookup: { dagId: unknown; runId: unknown }, where: string): void {
    if (lookup?.dagId === this.reader.dagId && lookup.runId === this.reader.runId) return;
    const target = `DAG ${JSON.stringify(lookup?.dagId)} run ${JSON.stringify(lookup?.runId)}`;
    throw new XComForgedRefError(
      where,
      `${this.operation}: ${where} of task '${this.reader.taskId}' is a lookup of ${target}, outside the task's own run ` +
        `(DAG '${this.reader.dagId}', run '${this.reader.runId}'): the DAG runner makes lookups only within a run; to pass ` +
        'another run\'s XCom, pass a ref (xcom.ref) or pull it in a task',
    );
  }
}

function member(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
