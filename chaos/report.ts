import { markdownTable } from '../bench/lib/table';
import type { RunReport, Violations } from './chaos-run';
import type { KillPoint } from './plan';

const INVARIANTS: readonly (readonly [keyof Violations, string])[] = [
  ['lost', 'lost'],
  ['duplicated', 'duplicated'],
  ['torn', 'torn'],
  ['stale', 'stale'],
  ['wrong', 'wrong'],
  ['missingObjects', 'missing objects'],
  ['orphans', 'orphans after sweep'],
  ['incomplete', 'incomplete'],
];

const HEADERS = [
  'run',
  'seed',
  'time',
  'attempts',
  'failed attempts',
  'kills (harness+self)',
  'zombies',
  'late commits (fenced)',
  'replaced commits',
  'superseded keys',
  'objects collected',
  'uploads aborted',
  ...INVARIANTS.map(([, title]) => title),
];

/** Sums of every count over the runs. */
export interface ChaosTotals {
  readonly runs: number;
  readonly seconds: number;
  readonly attempts: number;
  readonly failedAttempts: number;
  readonly harnessKills: number;
  readonly selfKills: number;
  readonly zombies: number;
  readonly lateCommits: number;
  readonly replacedCommits: number;
  readonly supersededKeys: number;
  readonly collectedObjects: number;
  readonly abortedUploads: number;
  readonly violations: Violations;
}

export function totalsOf(reports: readonly RunReport[]): ChaosTotals {
  const sum = (pick: (r: RunReport) => number) => reports.reduce((total, r) => total + pick(r), 0);
  const violations = Object.fromEntries(INVARIANTS.map(([key]) => [key, sum((r) => r.violations[key])])) as unknown as Violations;
  // The object checks cover the whole store after each run: a problem that outlives later runs counts once.
  const problems = new Set(reports.flatMap((r) => r.objectProblems));
  const distinct = (kind: string) => [...problems].filter((line) => line.startsWith(kind)).length;
  violations.missingObjects = distinct('missing object:');
  violations.orphans = distinct('orphan:');
  return {
    runs: reports.length,
    seconds: sum((r) => r.seconds),
    attempts: sum((r) => r.attempts),
    failedAttempts: sum((r) => r.failedAttempts.length),
    harnessKills: sum((r) => r.harnessKills),
    selfKills: sum((r) => selfKillCount(r.selfKills)),
    zombies: sum((r) => r.zombies),
    lateCommits: sum((r) => r.lateCommits),
    replacedCommits: sum((r) => r.replacedCommits),
    supersededKeys: sum((r) => r.supersededKeys),
    collectedObjects: sum((r) => r.collectedObjects),
    abortedUploads: sum((r) => r.abortedUploads),
    violations,
  };
}

/** How many invariant violations the runs found, all kinds together: the exit code is non-zero when this is. */
export function violationCount(totals: ChaosTotals): number {
  return INVARIANTS.reduce((n, [key]) => n + totals.violations[key], 0);
}

/** One table: a row per run, then the totals. */
export function chaosTable(reports: readonly RunReport[]): string {
  const rows = reports.map((r) => [
    String(r.index + 1),
    String(r.seed),
    `${r.seconds.toFixed(1)} s`,
    String(r.attempts),
    String(r.failedAttempts.length),
    `${r.harnessKills}+${selfKillCount(r.selfKills)}`,
    String(r.zombies),
    String(r.lateCommits),
    String(r.replacedCommits),
    String(r.supersededKeys),
    String(r.collectedObjects),
    String(r.abortedUploads),
    ...INVARIANTS.map(([key]) => String(r.violations[key])),
  ]);
  const t = totalsOf(reports);
  rows.push([
    `**total** (${t.runs})`,
    '',
    `${(t.seconds / 60).toFixed(1)} min`,
    String(t.attempts),
    String(t.failedAttempts),
    `${t.harnessKills}+${t.selfKills}`,
    String(t.zombies),
    String(t.lateCommits),
    String(t.replacedCommits),
    String(t.supersededKeys),
    String(t.collectedObjects),
    String(t.abortedUploads),
    ...INVARIANTS.map(([key]) => `**${t.violations[key]}**`),
  ]);
  return markdownTable(HEADERS, rows);
}

/** Self-kills by kill point over all runs, e.g. `before-commit 12, after-commit 9, …`. */
export function killPointSummary(reports: readonly RunReport[]): string {
  const byPoint = new Map<KillPoint, number>();
  for (const r of reports) for (const [point, n] of r.selfKills) byPoint.set(point, (byPoint.get(point) ?? 0) + n);
  const parts = [...byPoint].sort(([a], [b]) => a.localeCompare(b)).map(([point, n]) => `${point} ${n}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function selfKillCount(kills: ReadonlyMap<KillPoint, number>): number {
  return [...kills.values()].reduce((a, b) => a + b, 0);
}
