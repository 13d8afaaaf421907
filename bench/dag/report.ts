import { percentile } from '../lib/percentiles';
import { formatBytes, formatMs, formatRatio, markdownTable } from '../lib/table';
import type { RunHistory } from './history';
import type { BenchCase, CaseId, Sample } from './runs';
import type { MethodCalls, ProbedMethod } from './store-probe';

export interface CaseResult {
  readonly case: BenchCase;
  readonly samples: readonly Sample[];
  /** Replaying one of its histories (workflow code alone), when measured. */
  readonly replayMs?: number;
}

const median = (xs: readonly number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const p50Wall = (r: CaseResult) => median(r.samples.map((s) => s.wallMs));
const medianOf = (r: CaseResult, pick: (h: RunHistory) => number) => median(r.samples.map((s) => pick(s.history)));

/** The headline: wall time per case, the runner's ratios, and history size. */
export function wallTable(results: readonly CaseResult[], count: number): string {
  const by = byId(results);
  const hand = p50Wall(by.hand);
  const floor = p50Wall(by.floor);
  return markdownTable(
    [`${count.toLocaleString('en-US')}-way fan-out + reduce`, 'p50 wall (start → result)', 'each run', '÷ (b)', '÷ (c)', 'history events', 'history size'],
    results.map((r) => {
      const p50 = p50Wall(r);
      return [
        r.case.label,
        `**${formatMs(p50)}**`,
        r.samples.map((s) => formatMs(s.wallMs)).join(', '),
        formatRatio(p50 / hand),
        formatRatio(p50 / floor),
        spread(r.samples.map((s) => s.history.events), (n) => n.toLocaleString('en-US')),
        spread(r.samples.map((s) => s.history.sizeBytes), formatBytes),
      ];
    }),
  );
}

/** Where the time goes: server event times and the plugin's store calls (medians over the runs). */
export function breakdownTable(results: readonly CaseResult[]): string {
  const rows: [string, (r: CaseResult) => string][] = [
    ['CPU time of the bench process (client + workers)', (r) => formatMs(median(r.samples.map((s) => s.cpuMs)))],
    ['start → first `double` scheduled (items task)', (r) => formatMs(medianOf(r, (h) => h.beforeFanMs))],
    ['first `double` scheduled → last completed (fan-out)', (r) => formatMs(medianOf(r, (h) => h.fanMs))],
    ['last `double` completed → run completed (reduce)', (r) => formatMs(medianOf(r, (h) => h.afterFanMs))],
    ['`double` scheduled → started, p50', (r) => formatMs(medianOf(r, (h) => h.instanceDispatchP50Ms))],
    ['`double` started → completed, p50 (activity + interceptor)', (r) => formatMs(medianOf(r, (h) => h.instanceRunP50Ms))],
    ['workflow tasks', (r) => String(medianOf(r, (h) => h.workflowTasks))],
    ['time in workflow tasks (started → completed, summed)', (r) => formatMs(medianOf(r, (h) => h.workflowTaskMs))],
    ['replaying one run\'s history: workflow code alone, median of 3', (r) => (r.replayMs === undefined ? '—' : formatMs(r.replayMs))],
    ['local activities (`__xcom_length`)', (r) => String(medianOf(r, (h) => h.localActivities))],
    ['activity inputs in history', (r) => formatBytes(medianOf(r, (h) => h.inputBytes))],
    ['activity results in history', (r) => formatBytes(medianOf(r, (h) => h.resultBytes))],
    ['store `get` (item resolution): calls, p50, summed', (r) => storeCell(r, 'get')],
    ['store `mapped` (sequence reads): calls, p50, summed', (r) => storeCell(r, 'mapped')],
    ['store `count`: calls', (r) => storeCell(r, 'count')],
    ['store `commitAttempt` (results): calls, p50, summed', (r) => storeCell(r, 'commitAttempt')],
  ];
  return markdownTable(
    ['per run (median over runs)', ...results.map((r) => r.case.label.replace(/^(\(\w\)).*$/, '$1'))],
    rows.map(([label, cell]) => [label, ...results.map(cell)]),
  );
}

function storeCell(r: CaseResult, method: ProbedMethod): string {
  const calls = r.samples.map((s) => s.store?.[method]).filter((c): c is MethodCalls => c !== undefined);
  if (calls.length === 0) return '—';
  const n = median(calls.map((c) => c.calls));
  if (n === 0) return '0';
  const all = calls.flatMap((c) => c.samplesMs);
  return `${n.toLocaleString('en-US')}, ${formatMs(median(all))}, ${formatMs(median(calls.map((c) => c.totalMs)))}`;
}

function byId(results: readonly CaseResult[]): Record<CaseId, CaseResult> {
  const found = Object.fromEntries(results.map((r) => [r.case.id, r])) as Partial<Record<CaseId, CaseResult>>;
  if (!found.runner || !found.hand || !found.floor) throw new Error('a bench case is missing');
  return found as Record<CaseId, CaseResult>;
}

/** One value when the runs agree (as printed), else min–max. */
function spread(values: readonly number[], format: (n: number) => string): string {
  const lo = format(Math.min(...values));
  const hi = format(Math.max(...values));
  return lo === hi ? lo : `${lo}–${hi}`;
}

/** Runner ÷ hand-written (both with the plugin): of the p50s, and within each round (runs close in time). */
export function runnerRatio(results: readonly CaseResult[]): { ofP50s: number; perRound: number[] } {
  const by = byId(results);
  return {
    ofP50s: p50Wall(by.runner) / p50Wall(by.hand),
    perRound: by.runner.samples.map((s, i) => s.wallMs / by.hand.samples[i]!.wallMs),
  };
}

/**
 * Group commit under fan-out (issue 13): `store.commit` p50 with `maxActive` instances at once, against the same
 * commits one at a time (the hand-written workflow with one slot), and the runner against the hand-written workflow
 * without the plugin.
 */
export function commitUnderFanOut(results: readonly CaseResult[], alone: readonly Sample[], maxActive: number): string {
  const by = byId(results);
  const commitP50 = (samples: readonly Sample[]) => median(samples.flatMap((s) => s.store?.commitAttempt.samplesMs ?? []));
  const base = commitP50(alone);
  const rows = [by.runner, by.hand].map((r) => {
    const p50 = commitP50(r.samples);
    return [`store \`commitAttempt\` p50, ${maxActive} at once: ${r.case.label}`, formatMs(p50), formatMs(base), formatRatio(p50 / base), '≤ 3×', p50 / base <= 3 ? 'yes' : 'NO'];
  });
  const runner = p50Wall(by.runner) / p50Wall(by.floor);
  rows.push(['DAG runner ÷ hand-written `Promise.all` without the plugin (p50 wall)', formatMs(p50Wall(by.runner)), formatMs(p50Wall(by.floor)), formatRatio(runner), '≤ 1.15×', runner <= 1.15 ? 'yes' : 'NO']);
  return markdownTable(['issue 13: group commit under fan-out', 'measured', 'floor (one at a time; no plugin)', 'ratio', 'target', 'met'], rows);
}
