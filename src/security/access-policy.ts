import { XComConfigError } from '../errors';

/**
 * One grant: workflows matching every `workflowTypes` / `taskQueues` / `namespaces` list given (a list left out
 * matches anything) may write the DAG ids in `write` and read the DAG ids in `read`. Entries are DAG ids or
 * patterns with `*` (any characters): `'payroll_*'`, `'*'`.
 */
export interface AccessRule {
  /** Named in errors. @default `rule <n>` (its 1-based position) */
  readonly name?: string;
  readonly workflowTypes?: readonly string[];
  /** The task queue the activity runs on (this worker's). */
  readonly taskQueues?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly write?: readonly string[];
  readonly read?: readonly string[];
}

/**
 * Which DAG ids a worker's workflows may write, and which other DAGs they may read (docs/access-policy.md).
 * Whatever the rules, a workflow may write under its own workflow type and the DAGs registered with this worker
 * (`new XComPlugin({ dags })`, only by the workflow type a definition names, if it names one), and read its own DAG.
 */
export interface AccessPolicy {
  readonly rules?: readonly AccessRule[];
}

/** Who asks: what Temporal says about the workflow (never what the workflow says about itself). */
export interface AccessSubject {
  readonly workflowType: string;
  readonly taskQueue: string;
  readonly namespace: string;
}

export type AccessDecision = { readonly allowed: true; readonly rule: string } | { readonly allowed: false };

export function ruleName(rule: AccessRule, index: number): string {
  return rule.name ?? `rule ${index + 1}`;
}

/** The first rule that applies to `subject` and grants `access` to `dagId`. */
export function grantingRule(policy: AccessPolicy, subject: AccessSubject, access: 'write' | 'read', dagId: string): AccessDecision {
  const rules = policy.rules ?? [];
  for (const [index, rule] of rules.entries()) {
    if (!appliesTo(rule, subject)) continue;
    const grants = access === 'write' ? rule.write : [...(rule.read ?? []), ...(rule.write ?? [])];
    if (grants?.some((pattern) => matches(pattern, dagId))) return { allowed: true, rule: ruleName(rule, index) };
  }
  return { allowed: false };
}

function appliesTo(rule: AccessRule, subject: AccessSubject): boolean {
  return (
    anyMatch(rule.workflowTypes, subject.workflowType) && anyMatch(rule.taskQueues, subject.taskQueue) && anyMatch(rule.namespaces, subject.namespace)
  );
}

function anyMatch(patterns: readonly string[] | undefined, value: string): boolean {
  return patterns === undefined || patterns.some((pattern) => matches(pattern, value));
}

/** `*` matches any run of characters; everything else matches itself. */
export function matches(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's').test(value);
}

const RULE_FIELDS = new Set(['name', 'workflowTypes', 'taskQueues', 'namespaces', 'write', 'read']);

/** Checks a policy's shape (it may come from JSON), naming what is wrong and where. */
export function checkedPolicy(value: unknown, source: string): AccessPolicy {
  if (!isRecord(value)) throw new XComConfigError(`${source}: the access policy must be an object like { "rules": [...] }`);
  const unknown = Object.keys(value).filter((k) => k !== 'rules');
  if (unknown.length > 0) throw new XComConfigError(`${source}: unknown field '${unknown[0]}' (the policy has only 'rules')`);
  if (value.rules === undefined) return {};
  if (!Array.isArray(value.rules)) throw new XComConfigError(`${source}: 'rules' must be a list`);
  const rules = value.rules.map((rule: unknown, i: number) => checkedRule(rule, `${source}: rules[${i}]`));
  return { rules };
}

function checkedRule(rule: unknown, where: string): AccessRule {
  if (!isRecord(rule)) throw new XComConfigError(`${where} must be an object`);
  for (const field of Object.keys(rule)) {
    if (!RULE_FIELDS.has(field)) throw new XComConfigError(`${where}: unknown field '${field}' (allowed: ${[...RULE_FIELDS].join(', ')})`);
  }
  if (rule.name !== undefined && (typeof rule.name !== 'string' || rule.name === '')) throw new XComConfigError(`${where}.name must be a non-empty string`);
  for (const field of ['workflowTypes', 'taskQueues', 'namespaces', 'write', 'read'] as const) {
    const list = rule[field];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && item !== '')) {
      throw new XComConfigError(`${where}.${field} must be a list of non-empty strings (DAG ids, names, or patterns with *)`);
    }
  }
  if (rule.write === undefined && rule.read === undefined) throw new XComConfigError(`${where} grants nothing: give 'write' or 'read'`);
  return rule;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
