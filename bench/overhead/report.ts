import { percentile, type Summary } from '../lib/percentiles';
import { formatBytes, formatMs, formatRatio, markdownTable } from '../lib/table';
import type { CommitCost } from './commit-cost';
import type { S3CallCounts } from './external-storage';
import type { HandoffSample, PathResult, SizeResult } from './large-values';
import type { PerActivityPlan, PerActivityResult, SideLatency } from './per-activity';

export interface OverheadMeasurements {
  readonly command: string;
  readonly seconds: number;
  /** Where the numbers came from, one line each. */
  readonly facts: readonly string[];
  readonly perActivityPlan: PerActivityPlan;
  readonly perActivity: PerActivityResult;
  readonly commit: CommitCost & { readonly inActivities: Summary };
  readonly large: readonly SizeResult[];
}

/** The whole run as markdown: facts, then each part's tables. */
export function overheadReport(m: OverheadMeasurements): string {
  const { count, rounds } = m.perActivityPlan;
  return [
    '## Plugin overhead in a Temporal workflow',
    '',
    `\`${m.command}\` (${m.seconds.toFixed(0)} s)`,
    '',
    ...m.facts.map((l) => `- ${l}`),
    '',
    `### 1. Per-activity overhead: ${count} sequential activities returning ~100 B, ${rounds} rounds per side, interleaved after a warm-up run`,
    '',
    perActivityTable(m.perActivity),
    '',
    commitCostTable(m.commit),
    '',
    '### 2. Large values: one activity returns random bytes (a Buffer), the next receives them and checks length and sha256',
    '',
    largeSummaryTable(m.large),
    '',
    largeDetailTable(m.large),
    '',
  ].join('\n');
}

/** Part 1: the same workflow with and without the plugin; ratios are with / without. */
export function perActivityTable(result: PerActivityResult): string {
  const n = result.plan.count * result.plan.rounds;
  return latencyPairTable(result.withoutPlugin, result.withPlugin, n, { before: 'without', after: 'with plugin' });
}

/** Two sides' per-activity latencies from history, side by side; ratios are after / before. */
export function latencyPairTable(off: SideLatency, on: SideLatency, n: number, labels: { readonly before: string; readonly after: string }): string {
  const row = (label: string, pick: (s: SideLatency) => Summary) => {
    const [a, b] = [pick(off), pick(on)];
    return [label, formatMs(a.p50Ms), formatMs(b.p50Ms), formatRatio(b.p50Ms / a.p50Ms), formatMs(a.p99Ms), formatMs(b.p99Ms), formatRatio(b.p99Ms / a.p99Ms)];
  };
  const { before, after } = labels;
  return markdownTable(
    ['per activity (history event times)', `p50 ${before}`, `p50 ${after}`, 'p50 ratio', `p99 ${before}`, `p99 ${after}`, 'p99 ratio'],
    [
      row(`**scheduled → completed** (n=${n} per side)`, (s) => s.total),
      row('  of which scheduled → started (dispatch)', (s) => s.dispatch),
      row('  of which started → completed (run + report)', (s) => s.run),
      row('workflow task between two activities', (s) => s.gap),
      [
        'workflow start → end, per activity (mean)',
        formatMs(off.workflowPerActivityMs),
        formatMs(on.workflowPerActivityMs),
        formatRatio(on.workflowPerActivityMs / off.workflowPerActivityMs),
        '',
        '',
        '',
      ],
    ],
  );
}

/** Part 1, continued: what the plugin does per small activity, timed outside Temporal. */
export function commitCostTable(cost: CommitCost & { readonly inActivities: Summary }): string {
  const row = (label: string, s: Summary) => [label, formatMs(s.p50Ms), formatMs(s.p99Ms), formatMs(s.meanMs), String(s.n)];
  return markdownTable(
    ['one small result (~100 B JSON); all rows but the first timed alone, no Temporal', 'p50', 'p99', 'mean', 'n'],
    [
      row('`store.commitAttempt` timed inside the activities of the runs above (with Temporal)', cost.inActivities),
      row('plugin activity interceptor around the activity (all our work)', cost.interceptor),
      row('`store.commitAttempt` of the one entry (one statement, one transaction)', cost.commit),
      row('the same commit with `synchronous_commit = off` (no WAL flush wait)', cost.commitNoSync),
      row('its SQL statement alone, prepared with a generic plan (as the store sends it)', cost.statementPrepared),
      row('its SQL statement alone, unnamed (parsed and planned on every call)', cost.statementUnnamed),
      row('`select 1` on the same pool (one round trip)', cost.roundTrip),
    ],
  );
}

/** Part 2: end-to-end medians per size and the ratio ours / External Storage. */
export function largeSummaryTable(results: readonly SizeResult[]): string {
  return markdownTable(
    ['value (random bytes, a Buffer)', 'XComRef (plugin) median', 'External Storage median', 'ours / ES'],
    results.map((r) => {
      const [ours, es] = [median(r.xcom), median(r.externalStorage)];
      return [formatBytes(r.bytes), cell(r.xcom, ours), cell(r.externalStorage, es), ours && es ? formatRatio(ours / es) : '—'];
    }),
  );
}

/** Part 2, broken down per path: where the time went (history) and what moved through S3. */
export function largeDetailTable(results: readonly SizeResult[]): string {
  return handoffDetailTable(
    results.flatMap((r) => [
      { bytes: r.bytes, label: 'XComRef (plugin)', path: r.xcom },
      { bytes: r.bytes, label: 'External Storage', path: r.externalStorage },
    ]),
  );
}

/** One row per path and size: runs, end to end, producer, hand-off, consumer, S3 calls. */
export function handoffDetailTable(paths: readonly { readonly bytes: number; readonly label: string; readonly path: PathResult }[]): string {
  const rows = paths.map(({ bytes, label, path }) => {
    const s = path.samples;
    if (s.length === 0) return [formatBytes(bytes), label, '0', `failed: ${path.failure ?? '?'}`, '', '', '', '', ''];
    const e2e = s.map((x) => x.endToEndMs);
    return [
      formatBytes(bytes),
      label + (path.failure ? ` (then failed: ${path.failure})` : ''),
      String(s.length),
      formatMs(p50(e2e)),
      `${formatMs(Math.min(...e2e))} – ${formatMs(Math.max(...e2e))}`,
      `${formatMs(p50of(s, 'produceMs'))} (${formatMs(p50of(s, 'produceDispatchMs'))})`,
      formatMs(p50of(s, 'handoffMs')),
      `${formatMs(p50of(s, 'consumeMs'))} (${formatMs(p50of(s, 'consumeDispatchMs'))})`,
      path.s3PerRun ? formatCalls(path.s3PerRun) : '',
    ];
  });
  return markdownTable(
    ['value', 'path', 'runs', 'end to end median', 'min – max', 'producer activity (dispatch)', 'hand-off (workflow task)', 'consumer activity (dispatch)', 'S3 calls per run'],
    rows,
  );
}

function formatCalls(c: S3CallCounts): string {
  const parts = [`${fmt(c.puts)} PUT (${formatBytes(c.putBytes)})`, `${fmt(c.gets)} GET (${formatBytes(c.getBytes)})`];
  if (c.heads > 0) parts.push(`${fmt(c.heads)} HEAD`);
  return parts.join(', ');
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function median(path: PathResult): number | undefined {
  return path.samples.length > 0 ? p50(path.samples.map((s) => s.endToEndMs)) : undefined;
}

function cell(path: PathResult, ms: number | undefined): string {
  if (ms === undefined) return `failed`;
  return path.failure ? `${formatMs(ms)} (then failed)` : formatMs(ms);
}

/** The median; with an even count (2 runs of 100 MiB) the mean of the middle two, not the lower one. */
function p50(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : percentile(sorted, 50);
}

function p50of(samples: readonly HandoffSample[], key: keyof HandoffSample): number {
  return p50(samples.map((s) => s[key]));
}
