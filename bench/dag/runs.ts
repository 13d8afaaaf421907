import { randomBytes } from 'node:crypto';
import type { XComBackend } from '../../src/store/backend';
import { readRunHistory, type RunHistory } from './history';
import type { StoreCalls, StoreProbe } from './store-probe';
import type { Side } from './workers';
import type { dagRunnerFanOut, handWrittenFanOut } from './workflows';

export type CaseId = 'runner' | 'hand' | 'floor';

/** One thing the bench times: a workflow on a side. */
export interface BenchCase {
  readonly id: CaseId;
  readonly label: string;
  /** Runs the workflow once; throws unless the result is right (`check`, when given, reads the store to tell). */
  run(count: number, maxActive: number): Promise<Ran>;
  readonly side: Side;
  /** The plugin's store, probed; absent on the side without the plugin. */
  readonly probe?: StoreProbe;
}

export interface Ran {
  readonly workflowId: string;
  readonly wallMs: number;
  readonly check?: () => Promise<void>;
}

export interface Sample {
  readonly workflowId: string;
  readonly wallMs: number;
  /** CPU time of this process (client, both workers: workflow threads, activities, the SDK's core) over the run. */
  readonly cpuMs: number;
  readonly history: RunHistory;
  readonly store?: StoreCalls;
}

export function benchCases(xcom: Side, bare: Side, store: XComBackend, probe: StoreProbe): BenchCase[] {
  return [
    {
      id: 'runner',
      label: '(a) DAG runner (`runDag`), plugin',
      side: xcom,
      probe,
      async run(count) {
        const workflowId = newId('runner');
        const { wallMs, result } = await timedExecute(() =>
          xcom.client.workflow.execute<typeof dagRunnerFanOut>('dagRunnerFanOut', { taskQueue: xcom.taskQueue, workflowId, args: [count] }),
        );
        const fan = result.tasks.fan;
        if (result.state !== 'success' || fan?.mapCount !== count || fan.mapStates?.success !== count) {
          throw new Error(`${workflowId}: unexpected snapshot ${JSON.stringify(result)}`);
        }
        const check = async () => {
          const reduce = await store.get({ dagId: result.dagId, runId: result.runId, taskId: 'reduce', mapIndex: -1, key: 'return_value' });
          expectSum(workflowId, reduce?.value, count);
        };
        return { workflowId, wallMs, check };
      },
    },
    {
      id: 'hand',
      label: '(b) hand-written `Promise.all`, plugin',
      side: xcom,
      probe,
      run: (count, maxActive) => runHandWritten(xcom, 'hand', count, maxActive),
    },
    {
      id: 'floor',
      label: '(c) hand-written `Promise.all`, no plugin',
      side: bare,
      run: (count, maxActive) => runHandWritten(bare, 'floor', count, maxActive),
    },
  ];
}

/** Runs a case once: wall time on the client (start → result), then its history and store calls. */
export async function sampleOnce(c: BenchCase, count: number, maxActive: number): Promise<Sample> {
  c.probe?.reset();
  const cpu = process.cpuUsage();
  const { workflowId, wallMs, check } = await c.run(count, maxActive);
  const used = process.cpuUsage(cpu);
  // A copy: the bench's own check below reads the store too.
  const store = c.probe && structuredClone(c.probe.snapshot());
  await check?.();
  const history = await readRunHistory(c.side.client, workflowId, 'double');
  return { workflowId, wallMs, cpuMs: (used.user + used.system) / 1000, history, ...(store && { store }) };
}

async function runHandWritten(side: Side, id: CaseId, count: number, maxActive: number): Promise<Ran> {
  const workflowId = newId(id);
  const { wallMs, result } = await timedExecute(() =>
    side.client.workflow.execute<typeof handWrittenFanOut>('handWrittenFanOut', { taskQueue: side.taskQueue, workflowId, args: [count, maxActive] }),
  );
  expectSum(workflowId, result, count);
  return { workflowId, wallMs };
}

async function timedExecute<T>(execute: () => Promise<T>): Promise<{ wallMs: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await execute();
  return { wallMs: Number(process.hrtime.bigint() - start) / 1e6, result };
}

function expectSum(workflowId: string, value: unknown, count: number): void {
  const expected = count * (count + 1);
  if (value !== expected) throw new Error(`${workflowId}: reduce gave ${JSON.stringify(value)}, expected ${expected}`);
}

function newId(id: CaseId): string {
  return `bench-dag-${id}-${Date.now()}-${randomBytes(3).toString('hex')}`;
}
