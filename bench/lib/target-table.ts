import type { Summary } from './percentiles';
import { formatMs, formatRatio, markdownTable } from './table';

/** One operation measured without and with a feature, in the same run, against the ratio it must stay within. */
export interface TargetRow {
  readonly name: string;
  readonly without: Summary;
  readonly with: Summary;
  /** The largest acceptable ratio with ÷ without. */
  readonly target: number;
}

/**
 * operation | n | p50 without | p50 with | ratio p50 | ratio mean | target | met. `met` judges the p50 ratio (the
 * mean is shown because one slow call on a shared machine moves it, and a reader should see by how much).
 */
export function targetTable(rows: readonly TargetRow[], labels: { readonly without: string; readonly with: string }): string {
  return markdownTable(
    ['operation', 'n', `p50 ${labels.without}`, `p50 ${labels.with}`, 'ratio p50', 'ratio mean', 'target', 'met'],
    rows.map((r) => {
      const p50 = r.with.p50Ms / r.without.p50Ms;
      return [
        r.name,
        String(r.with.n),
        formatMs(r.without.p50Ms),
        formatMs(r.with.p50Ms),
        formatRatio(p50),
        formatRatio(r.with.meanMs / r.without.meanMs),
        `≤ ${r.target.toFixed(2)}×`,
        p50 <= r.target ? 'yes' : 'NO',
      ];
    }),
  );
}
