// Refs that cannot be forged (issue 10, item 1): workflow input is untrusted, so anything in a task's arguments that
// looks like a ref resolves only when a worker signed it, and only for a DAG the task may read.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { XComRef } from '../../src/common/xcom-ref';
import { signRef } from '../../src/security/ref-mac';
import { signingKeys } from '../../src/security/signing-key';
import type { Outcome } from '../fixtures/security/workflows';
import { openSecurityContext, type SecurityContext, type SecurityWorker } from '../helpers/security-context';

const SECRET = `payroll-secret-${randomUUID()}`;
const READ_PAYROLL = { rules: [{ name: 'reports read payroll', workflowTypes: ['forwardInput'], read: ['payroll'] }] };

let ctx: SecurityContext;
let attacker: SecurityWorker;
let reader: SecurityWorker;
let payrollRun: string;
let genuine: XComRef;
let ownGenuine: XComRef;

beforeAll(async () => {
  ctx = await openSecurityContext();
  const owner = await ctx.worker();
  ({ workflowId: payrollRun, result: genuine } = await owner.run<XComRef>('payroll', [SECRET]));
  attacker = await ctx.worker();
  ({ result: ownGenuine } = await attacker.run<XComRef>('ownRef', ['nothing secret']));
  reader = await ctx.worker({ accessPolicy: READ_PAYROLL });
});

afterAll(async () => {
  await ctx?.release();
});

function unsigned(ref: XComRef): XComRef {
  const { keyId: _keyId, mac: _mac, ...rest } = ref;
  return rest;
}

/**
 * Forms a client can put in workflow input, built once the genuine refs exist; `where` is the argument path the
 * refusal must name.
 */
const FORGED_FORMS: [name: string, where: string, build: () => unknown][] = [
  ['a lookup of another DAG (no MAC, no digest)', 'args[0]', () => ({ $xcomLookup: 1, dagId: 'payroll', runId: payrollRun, taskId: 'compute', mapIndex: -1, key: 'return_value' })],
  ['a ref with the right digest and no MAC', 'args[0]', () => unsigned(genuine)],
  ['a ref with a wrong MAC under the right key id', 'args[0]', () => ({ ...genuine, mac: createHmac('sha256', randomBytes(32)).update('x').digest('base64url') })],
  ['a ref signed under a key id the worker does not hold', 'args[0]', () => signRef(signingKeys([{ id: 'rogue', secret: randomBytes(32) }], 'test'), unsigned(genuine))],
  [
    "a genuine MAC over another identity (the attacker's own entry)",
    'args[0]',
    () => ({ ...ownGenuine, dagId: 'payroll', runId: payrollRun, taskId: 'compute', digest: genuine.digest, sizeBytes: genuine.sizeBytes }),
  ],
  ['a truncated MAC', 'args[0]', () => ({ ...genuine, mac: genuine.mac!.slice(0, 22) })],
  ['a ref with its size altered', 'args[0]', () => ({ ...genuine, sizeBytes: genuine.sizeBytes + 1 })],
  ['a mapped sequence of another DAG', 'args[0]', () => ({ $xcomSeq: 1, dagId: 'payroll', runId: payrollRun, taskId: 'compute', key: 'return_value' })],
  ['a mapped item whose source is an unsigned ref', 'args[0].source.ref', () => ({ $xcomItem: 1, source: { kind: 'value', ref: unsigned(genuine) }, index: 0 })],
  ['an unsigned ref nested in objects and arrays', 'args[0].report.pages[1].data', () => ({ report: { pages: [1, { data: unsigned(genuine) }] } })],
];

function expectRefused(outcome: Outcome, type: string, where?: string): void {
  expect(JSON.stringify(outcome)).not.toContain(SECRET);
  expect('failed' in outcome).toBe(true);
  if (!('failed' in outcome)) return;
  expect(outcome.failed.type).toBe(type);
  expect(outcome.failed.nonRetryable).toBe(true);
  if (where !== undefined) expect(outcome.failed.message).toContain(where);
}

describe('forged refs in workflow input', () => {
  it('the genuine ref resolves for a workflow the policy lets read payroll (the control: a resolved ref shows the secret)', async () => {
    expect(genuine.keyId).toBe('store');
    const { result } = await reader.run<Outcome>('forwardInput', [genuine]);
    expect(result).toEqual({ ok: JSON.stringify({ secret: SECRET }) });
  });

  it('the genuine ref of another DAG, replayed into a workflow that may not read it, is refused', async () => {
    const { result } = await attacker.run<Outcome>('forwardInput', [genuine]);
    expectRefused(result, 'XComAccessDeniedError');
    if ('failed' in result) expect(result.failed.message).toMatch(/may not read DAG 'payroll'.*XCOM_ACCESS_POLICY/s);
  });

  it.each(FORGED_FORMS)('%s is refused by a worker with no policy, naming where it was', async (_name, where, build) => {
    const { result } = await attacker.run<Outcome>('forwardInput', [build()]);
    expectRefused(result, 'XComForgedRefError', where);
  });

  it.each(FORGED_FORMS)('%s is refused even where reading payroll is allowed', async (_name, where, build) => {
    const { result } = await reader.run<Outcome>('forwardInput', [build()]);
    expectRefused(result, 'XComForgedRefError', where);
  });

  it('something shaped like a ref but without a digest stays plain data', async () => {
    const plain = { $xcomRef: 1, dagId: 'payroll', runId: payrollRun, taskId: 'compute', mapIndex: -1, key: 'return_value' };
    const { result } = await attacker.run<Outcome>('forwardInput', [plain]);
    expect(result).toEqual({ ok: JSON.stringify(plain) });
  });
});

describe('signing keys rotate', () => {
  const k1 = { id: 'k1', secret: randomBytes(32) };
  const k2 = { id: 'k2', secret: randomBytes(32) };

  it('a ref signed with an old key verifies while the key is listed, and is refused once it is removed', async () => {
    const producer = await ctx.worker({ signingKeys: [k1] });
    const { result: old } = await producer.run<XComRef>('payroll', [SECRET]);
    expect(old.keyId).toBe('k1');

    const rotated = await ctx.worker({ signingKeys: [k2, k1], accessPolicy: READ_PAYROLL });
    expect((await rotated.run<Outcome>('forwardInput', [old])).result).toEqual({ ok: JSON.stringify({ secret: SECRET }) });
    const { result: fresh } = await (await ctx.worker({ signingKeys: [k2, k1] })).run<XComRef>('payroll', [SECRET]);
    expect(fresh.keyId).toBe('k2');

    const retired = await ctx.worker({ signingKeys: [k2], accessPolicy: READ_PAYROLL });
    const refused = (await retired.run<Outcome>('forwardInput', [old])).result;
    expectRefused(refused, 'XComForgedRefError', 'args[0]');
    if ('failed' in refused) expect(refused.failed.message).toContain("signed with key 'k1', which this worker does not hold");
    expect((await retired.run<Outcome>('forwardInput', [fresh])).result).toEqual({ ok: JSON.stringify({ secret: SECRET }) });
  });
});
