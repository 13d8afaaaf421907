import type { MemoryReport } from './store-memory-child';
import type { BreakdownRow } from './store-breakdown';
import type { InlineResult } from './store-inline';
import type { ObjectCase } from './store-objects';
import type { OwnershipRow } from './store-ownership';
import type { Comparison } from './lib/measure';
import type { Summary } from './lib/percentiles';
import { formatBytes, formatMs, formatRate, formatRatio, markdownTable } from './lib/table';

/** p99 is shown only when at least this many samples back it. */
const MIN_P99_SAMPLES = 20;

const MAIN_HEADERS = ['case', 'n', 'ours p50', 'ours p99', 'ours ops/s', 'floor p50', 'floor p99', 'floor ops/s', 'ratio ops/s', 'ratio p50'];

/**
 * The main table. `ratio ops/s` is ours ÷ floor throughput (1.00× = as fast as the bare call; below 1 is slower);
 * `ratio p50` is ours ÷ floor median latency (above 1 is slower).
 */
export function mainTable(inline: readonly InlineResult[], objects: readonly ObjectCase[]): string {
  const rows: string[][] = [];
  for (const r of inline) {
    const e = r.engine;
    rows.push(comparisonRow(`${e} · set, 1 per statement (vs bare upsert)`, r.set));
    rows.push(comparisonRow(`${e} · commit ${r.commit.ours.opsPerSample}/batch, per batch (vs bare ${r.commit.ours.opsPerSample}-row upsert)`, r.commit));
    rows.push(comparisonRow(`${e} · commit ${r.commit.ours.opsPerSample}/batch (vs bare upsert, 1 per statement)`, { ours: r.commit.ours, floor: r.set.floor }, { latency: false }));
    rows.push(comparisonRow(`${e} · get (vs bare select by key)`, r.get));
  }
  for (const c of objects) {
    rows.push(comparisonRow(`objects · ${c.name} · set (vs bare ${c.sizeBytes >= 16 * 2 ** 20 ? 'multipart Upload' : 'PutObject'})`, c.set));
    rows.push(comparisonRow(`objects · ${c.name} · get (vs bare GetObject)`, c.get));
  }
  return markdownTable(MAIN_HEADERS, rows);
}

function comparisonRow(name: string, { ours, floor }: Comparison, options: { latency?: boolean } = {}): string[] {
  const latency = options.latency ?? true;
  return [
    name,
    String(ours.n),
    ...summaryCells(ours, latency),
    ...summaryCells(floor, latency),
    formatRatio(ours.opsPerSec / floor.opsPerSec),
    latency ? formatRatio(ours.p50Ms / floor.p50Ms) : '—',
  ];
}

function summaryCells(s: Summary, latency: boolean): string[] {
  if (!latency) return ['—', '—', formatRate(s.opsPerSec)];
  return [formatMs(s.p50Ms), s.n >= MIN_P99_SAMPLES ? formatMs(s.p99Ms) : '—', formatRate(s.opsPerSec)];
}

/** Peak RSS of one operation on the large value, each in its own process. */
export function memoryTable(reports: readonly MemoryReport[]): string {
  const label: Record<MemoryReport['mode'], string> = {
    'ours-set': 'store.set (Postgres + S3ObjectStore)',
    'ours-get': 'store.get (Postgres + S3ObjectStore)',
    'bare-set': 'bare multipart Upload (lib-storage)',
    'bare-get': 'bare GetObject + transformToByteArray',
  };
  const rows = reports.map((r) => {
    const grew = r.peakRssBytes - r.rssBeforeBytes;
    const bound = r.exact ? '' : '≤ ';
    return [
      label[r.mode],
      formatBytes(r.sizeBytes),
      formatBytes(r.rssBeforeBytes),
      `${bound}${formatBytes(r.peakRssBytes)}`,
      `${bound}${formatBytes(grew)}`,
      `${(grew / r.sizeBytes).toFixed(2)}×`,
      formatMs(r.ms),
    ];
  });
  return markdownTable(['operation', 'value', 'RSS before', 'peak RSS', 'peak − before', '÷ value size', 'time'], rows);
}

export function breakdownTable(rows: readonly BreakdownRow[]): string {
  const body = rows.map((r) => {
    if (r.error !== undefined) return [r.name, '—', '—', '—', '—', '—', '—', `failed: ${r.error}`];
    if (r.ours === undefined) return [r.name, '—', '—', '—', '—', '—', '—', r.note ?? ''];
    const f = r.floor;
    return [
      r.name,
      formatMs(r.ours.p50Ms),
      formatMs(r.ours.p99Ms),
      formatRate(r.ours.opsPerSec),
      f ? formatMs(f.p50Ms) : '—',
      f ? formatRate(f.opsPerSec) : '—',
      f ? formatRatio(r.ours.opsPerSec / f.opsPerSec) : '—',
      r.note ?? '',
    ];
  });
  return markdownTable(['variant (one ~1 KB write)', 'p50', 'p99', 'ops/s', 'floor p50', 'floor ops/s', 'ratio ops/s', 'note'], body);
}

/** Task-instance ownership's cost: the shipped commits (one attempt; a batch) beside the per-key statement they replaced. */
export function ownershipTable(rows: readonly OwnershipRow[]): string {
  return markdownTable(
    ['entries per commit', 'n', 'one attempt p50', 'batch statement p50', 'per-key p50', 'ratio p50', 'ratio mean', 'batch ratio p50'],
    rows.map((r) => [
      String(r.entries),
      String(r.owned.n),
      formatMs(r.owned.p50Ms),
      formatMs(r.batch.p50Ms),
      formatMs(r.perKey.p50Ms),
      formatRatio(r.owned.p50Ms / r.perKey.p50Ms),
      formatRatio(r.owned.meanMs / r.perKey.meanMs),
      formatRatio(r.batch.p50Ms / r.perKey.p50Ms),
    ]),
  );
}
