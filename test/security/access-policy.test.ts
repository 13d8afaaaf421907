// Access control between DAGs (issue 10, item 2): what a worker's workflows may write and read is decided on the
// worker from Temporal's facts (workflow type, id, queue, namespace), never from what the workflow or a client says.
import { randomUUID } from 'node:crypto';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { Client as PgClient } from 'pg';
import { DAG_RUN_HEADER, type DagRunHeader } from '../../src/common/dag-run-header';
import type { XComRef } from '../../src/common/xcom-ref';
import type { AccessPolicy } from '../../src/security/access-policy';
import { RunOwners } from '../../src/security/run-owners';
import type { XComStore } from '../../src/store/xcom-store';
import type { Outcome } from '../fixtures/security/workflows';
import { openSecurityContext, type SecurityContext, type SecurityWorker } from '../helpers/security-context';

const SECRET = `payroll-secret-${randomUUID()}`;

let ctx: SecurityContext;
let owner: SecurityWorker;
let untrusted: SecurityWorker;
let payrollRun: string;
let payrollRef: XComRef;

beforeAll(async () => {
  ctx = await openSecurityContext();
  owner = await ctx.worker();
  ({ workflowId: payrollRun, result: payrollRef } = await owner.run<XComRef>('payroll', [SECRET]));
  untrusted = await ctx.worker();
});

afterAll(async () => {
  await ctx?.release();
});

/** The payroll run's entries as the store has them. */
async function payrollEntries(): Promise<Record<string, unknown>> {
  const store = await owner.plugin.store();
  const records = await store.getMany({ dagIds: 'payroll', runId: payrollRun });
  return Object.fromEntries(records.map((r) => [`${r.taskId}.${r.key}`, r.value]));
}

function grant(workflowTypes: string[], access: { read?: string[]; write?: string[] }): AccessPolicy {
  return { rules: [{ name: 'payroll readers', workflowTypes, ...access }] };
}

/** Refused non-retryably by the access policy, naming the DAG, the task, the rule and the setting; nothing leaked. */
function expectDenied(outcome: Outcome, pattern: RegExp): void {
  expect(JSON.stringify(outcome)).not.toContain(SECRET);
  expect(outcome).toMatchObject({ failed: { type: 'XComAccessDeniedError', nonRetryable: true } });
  if ('failed' in outcome) expect(outcome.failed.message).toMatch(pattern);
}

describe('writes', () => {
  it('push: a workflow that names another DAG cannot push under it', async () => {
    const { result } = await untrusted.run<Outcome>('claimDag', [{ dagId: 'payroll', push: true }]);
    expectDenied(result, /task 'compute' of workflow .*type 'claimDag'.* may not write DAG 'payroll': the default rule .* XCOM_ACCESS_POLICY/s);
    expect(await payrollEntries()).toEqual({ 'compute.return_value': { secret: SECRET } });
  });

  it('result: nor record its result under it; a policy that grants the write lets it', async () => {
    const { result } = await untrusted.run<Outcome>('claimDag', [{ dagId: 'payroll' }]);
    expectDenied(result, /may not write DAG 'payroll'/);
    const granted = await ctx.worker({ accessPolicy: grant(['claimDag'], { write: ['payroll'] }) });
    const { workflowId, result: allowed } = await granted.run<Outcome>('claimDag', [{ dagId: 'payroll' }]);
    expect(allowed).toEqual({ ok: { secret: 'overwritten' } });
    const store = await owner.plugin.store();
    expect((await store.get({ dagId: 'payroll', runId: workflowId, taskId: 'compute', key: 'return_value' }))?.value).toEqual({ secret: 'overwritten' });
  });

  it("result recording by the DAG runner's activity is checked the same way", async () => {
    const { result } = await untrusted.run<Outcome>('recordInto', ['payroll']);
    expectDenied(result, /recording task 'compute'.* may not write DAG 'payroll'/s);
  });

  it('an impostor started with an existing run\'s workflow id cannot overwrite that run, even where it may write the DAG', async () => {
    const denied = await untrusted.run<Outcome>('claimDag', [{ dagId: 'payroll' }], payrollRun);
    expectDenied(denied.result, /may not write DAG 'payroll'/);
    const granted = await ctx.worker({ accessPolicy: grant(['claimDag'], { write: ['payroll'] }) });
    const { result } = await granted.run<Outcome>('claimDag', [{ dagId: 'payroll' }], payrollRun);
    expectDenied(result, new RegExp(`may not write run '${payrollRun}' of DAG 'payroll': the run belongs to workflow type 'payroll'`));
    expect(await payrollEntries()).toEqual({ 'compute.return_value': { secret: SECRET } });
  });

  it('a DAG id a client puts in the continue-as-new header is a claim like any other', async () => {
    const header: DagRunHeader = { v: 1, dagId: 'payroll', logicalDate: new Date().toISOString(), defaultIdsUsed: {} };
    const forging: WorkflowClientInterceptor = {
      start: (input, next) => next({ ...input, headers: { ...input.headers, [DAG_RUN_HEADER]: defaultPayloadConverter.toPayload(header) } }),
    };
    const client = new Client({ connection: ctx.env.connection, interceptors: { workflow: [forging] } });
    const { result } = await untrusted.run<Outcome>('forwardInput', ['plain'], undefined, client);
    expectDenied(result, /task 'reveal' of workflow .*type 'forwardInput'.* may not write DAG 'payroll'/s);
    expect(await payrollEntries()).toEqual({ 'compute.return_value': { secret: SECRET } });
  });
});

describe('run owners', () => {
  it('the first workflow type to write a run owns it; deleting the run forgets the owner', async () => {
    const store = (await owner.plugin.store()) as XComStore;
    const runId = `owned-${randomUUID()}`;
    // A fresh claimer each time: a worker remembers owners it confirmed, which is what this test must not see.
    const claim = (type: string) => new RunOwners(store.engine, store.schema).claim('payroll', runId, type);
    expect(await claim('payroll')).toBe('payroll');
    expect(await claim('claimDag')).toBe('payroll');
    await store.set({ dagId: 'payroll', runId, taskId: 'compute', key: 'return_value', value: 1, attempt: 0 });
    await store.clearRun({ dagId: 'payroll', runId });
    expect(await claim('claimDag')).toBe('claimDag');
  });
});

describe('reads', () => {
  it('pull across DAGs (this run, and includePriorDates) is refused without a policy, from a task and from workflow code', async () => {
    for (const options of [
      { dagId: 'payroll', runId: payrollRun, taskIds: 'compute' },
      { dagId: 'payroll', taskIds: 'compute', includePriorDates: true },
    ]) {
      const { result } = await untrusted.run<{ task: Outcome; workflow: Outcome }>('pullOther', [options]);
      expectDenied(result.task, /xcom.pull: task 'pull' of DAG 'pullOther' .* may not read DAG 'payroll': the default rule .* \{ "read": \["payroll"\] \}/s);
      expectDenied(result.workflow, /pull in workflow code: .* may not read DAG 'payroll'/s);
    }
  });

  it('pull across DAGs is allowed with a policy that grants the read', async () => {
    const reader = await ctx.worker({ accessPolicy: grant(['pullOther'], { read: ['payroll'] }) });
    const { result } = await reader.run<{ task: Outcome; workflow: Outcome }>('pullOther', [{ dagId: 'payroll', runId: payrollRun, taskIds: 'compute' }]);
    expect(result).toEqual({ task: { ok: { secret: SECRET } }, workflow: { ok: { secret: SECRET } } });
  });

  it('ref resolution: xcom.ref to another DAG and resolve() of its genuine ref are refused without a policy, allowed with one', async () => {
    const input = { target: { dagId: 'payroll', runId: payrollRun, taskId: 'compute' }, ref: payrollRef };
    const denied = (await untrusted.run<{ task: Outcome; workflow: Outcome }>('refOther', [input])).result;
    expectDenied(denied.task, /xcom.ref: .* may not read DAG 'payroll'/s);
    expectDenied(denied.workflow, /resolve in workflow code: .* may not read DAG 'payroll'/s);
    const reader = await ctx.worker({ accessPolicy: grant(['refOther'], { read: ['payroll'] }) });
    const allowed = (await reader.run<{ task: Outcome; workflow: Outcome }>('refOther', [input])).result;
    expect(allowed.workflow).toEqual({ ok: { secret: SECRET } });
    expect(allowed.task).toMatchObject({ ok: { $xcomRef: 1, dagId: 'payroll', digest: payrollRef.digest, keyId: 'store' } });
  });

  it('waitForXCom on another DAG is refused without a policy, and finds the entry with one', async () => {
    const target = { dagId: 'payroll', runId: payrollRun, taskId: 'compute' };
    expectDenied((await untrusted.run<Outcome>('waitOther', [target])).result, /waitForXCom: .* may not read DAG 'payroll'/s);
    const reader = await ctx.worker({ accessPolicy: grant(['waitOther'], { read: ['payroll'] }) });
    expect((await reader.run<Outcome>('waitOther', [target])).result).toEqual({ ok: { found: true, value: { secret: SECRET } } });
  });
});

describe('wait registration', () => {
  it('a wait signals only the workflow that registered it', async () => {
    const victim = { workflowId: payrollRun, workflowRunId: (await ctx.env.client().workflow.getHandle(payrollRun).describe()).runId };
    const { result } = await untrusted.run<Outcome>('subscribeFor', [victim]);
    expectDenied(result, new RegExp(`asks to signal workflow '${payrollRun}'.*a wait signals only the workflow that waits`, 's'));
  });

  it("a workflow cannot cancel another workflow's wait", async () => {
    const waitId = `victim-wait-${randomUUID()}`;
    const { result: registered } = await owner.run<Outcome>('subscribeOwn', [waitId]);
    expect(registered).toMatchObject({ ok: { found: false } });
    const { result } = await untrusted.run<Outcome>('unsubscribeOther', [waitId]);
    expectDenied(result, new RegExp(`asks to cancel wait '${waitId}', which another workflow registered`));
    const sql = new PgClient({ connectionString: ctx.database.url });
    await sql.connect();
    try {
      const { rows } = await sql.query('select status from xcom.subscriptions where wait_id = $1', [waitId]);
      expect(rows).toEqual([{ status: 'active' }]);
    } finally {
      await sql.end();
    }
  });
});

describe('retention from activity code', () => {
  const onPayroll = (['purge', 'keepLatestRuns', 'clearDag', 'clearRun', 'clearTask', 'compressInline'] as const).map((op) => ({ op, dagId: 'payroll', runId: payrollRun }));
  const everyDag = (['purge', 'trimLedger', 'compressInline'] as const).map((op) => ({ op }));

  it("a task cannot delete or rewrite another DAG's entries, nor every DAG's, nor list every DAG's runs; a policy lets it", async () => {
    const { result } = await untrusted.run<Outcome[]>('retentionFrom', [[...onPayroll, ...everyDag, { op: 'listRuns', dagId: 'payroll' }, { op: 'listRuns' }]]);
    const ops = [...onPayroll, ...everyDag].map((c) => c.op);
    for (const [i, op] of ops.entries()) {
      const dag = i < onPayroll.length ? 'payroll' : '\\*';
      expectDenied(result[i]!, new RegExp(`xcom\\.${op}: task 'retention_${i}' of .* may not write DAG '${dag}'`, 's'));
    }
    expectDenied(result[ops.length]!, /xcom\.listRuns: .* may not read DAG 'payroll'/s);
    expectDenied(result[ops.length + 1]!, /xcom\.listRuns: .* may not read DAG '\*'/s);
    expect(await payrollEntries()).toEqual({ 'compute.return_value': { secret: SECRET } });

    const cleaner = await ctx.worker({ accessPolicy: grant(['retentionFrom'], { write: ['*'], read: ['*'] }) });
    const { result: allowed } = await cleaner.run<Outcome[]>('retentionFrom', [[...onPayroll, ...everyDag, { op: 'listRuns' }]]);
    for (const outcome of allowed) expect(outcome).toEqual({ ok: expect.any(Number) });
  });

  it('its own DAG needs no policy', async () => {
    const { workflowId, result } = await untrusted.run<Outcome[]>('retentionFrom', [[{ op: 'clearRun', dagId: 'retentionFrom' }, { op: 'listRuns', dagId: 'retentionFrom' }]]);
    expect({ workflowId, result }).toEqual({ workflowId, result: [{ ok: 0 }, { ok: expect.any(Number) }] });
  });
});

describe('trigger', () => {
  it('a task cannot start runs of a DAG it may not write; a policy lets it', async () => {
    const workflowId = `payroll-triggered-${randomUUID()}`;
    const request = { workflowType: 'payroll', taskQueue: `nobody-polls-${randomUUID()}`, workflowId };
    expectDenied((await untrusted.run<Outcome>('triggerOther', [request])).result, /xcom.triggerDagRun: task 'trigger' .* may not write DAG 'payroll'/s);
    const client = ctx.env.client();
    await expect(client.workflow.getHandle(workflowId).describe()).rejects.toThrow(/not found/i);
    const trigger = await ctx.worker({ accessPolicy: grant(['triggerOther'], { write: ['payroll'] }) });
    expect((await trigger.run<Outcome>('triggerOther', [request])).result).toEqual({ ok: workflowId });
    await client.workflow.getHandle(workflowId).terminate('test done');
  });
});
