// Pure module (no imports but src/dag): a DAG's exclusive keys (docs/exclusive-xcoms.md), declared in defineDag.
import { quoteId } from './dag-validation-error';

/** One key's owner and readers. `writer`: the only task that may write it; `readers`: the only tasks that may read it. */
export interface ExclusiveKey {
  readonly writer?: string;
  readonly readers?: readonly string[];
}

/** XCom key → who may write and read it, in every run of the DAG. */
export type ExclusiveKeys = Readonly<Record<string, ExclusiveKey>>;

/** What is wrong with a DAG's `exclusive` option: unknown fields, tasks not in the DAG, a writer for return_value. */
export function exclusiveProblems(exclusive: unknown, tasks: ReadonlySet<string>): string[] {
  if (exclusive === undefined) return [];
  if (typeof exclusive !== 'object' || exclusive === null || Array.isArray(exclusive)) {
    return [`exclusive must be an object of key → { writer?, readers? }, got ${describe(exclusive)}`];
  }
  return Object.entries(exclusive).flatMap(([key, declared]) => keyProblems(key, declared, tasks).map((p) => `exclusive key ${quoteId(key)}: ${p}`));
}

function keyProblems(key: string, declared: unknown, tasks: ReadonlySet<string>): string[] {
  if (typeof declared !== 'object' || declared === null || Array.isArray(declared)) return [`must be { writer?, readers? }, got ${describe(declared)}`];
  const { writer, readers, ...rest } = declared as Record<string, unknown>;
  if (key === 'return_value') return ["cannot be exclusive in a DAG: every task writes its own 'return_value' (push the value under a key of its own)"];
  const problems = Object.keys(rest).map((field) => `unknown field ${quoteId(field)} (allowed: writer, readers)`);
  if (writer === undefined && readers === undefined) problems.push('names neither a writer nor readers');
  if (writer !== undefined) {
    if (typeof writer !== 'string' || !tasks.has(writer)) problems.push(`writer ${quoteId(writer)} is not a task of this DAG`);
  }
  if (readers !== undefined) {
    if (!Array.isArray(readers) || readers.length === 0) problems.push(`readers must be a non-empty list of task ids, got ${describe(readers)}`);
    else for (const reader of readers as unknown[]) if (typeof reader !== 'string' || !tasks.has(reader)) problems.push(`reader ${quoteId(reader)} is not a task of this DAG`);
  }
  return problems;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return typeof value === 'string' ? quoteId(value) : typeof value;
}
