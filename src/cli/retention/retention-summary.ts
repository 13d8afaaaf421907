import type { RetentionResult } from '../../store/retention/types';
import { formatBytes, plural } from '../output/human-units';

/** "removed 3 runs, 12 entries (45.0 KiB) and 30 ledger rows" (or "would remove …" for a dry run). */
export function describeRetention(result: RetentionResult): string {
  const parts: string[] = [];
  if (result.runs > 0) parts.push(plural(result.runs, 'run'));
  if (result.entries > 0 || result.runs > 0) parts.push(`${plural(result.entries, 'entry', 'entries')} (${formatBytes(result.bytes)})`);
  if (result.ledger > 0) parts.push(plural(result.ledger, 'ledger row'));
  if ((result.audit ?? 0) > 0) parts.push(plural(result.audit!, 'audit row'));
  const verb = result.dryRun ? 'would remove' : 'removed';
  const what = parts.length === 0 ? 'nothing' : parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
  return `${verb} ${what}`;
}

/** The lines a retention command prints for people. */
export function retentionLines(result: RetentionResult): string[] {
  const lines = [describeRetention(result)];
  if (result.kept > 0) {
    lines.push(`kept ${plural(result.kept, 'entry', 'entries')} whose own retention outlives their run`);
  }
  if (!result.dryRun && result.entries > 0) {
    lines.push('objects of removed entries are collected by the object sweeper (xcom gc, or the workers hourly)');
  }
  return lines;
}

export function removesNothing(result: RetentionResult): boolean {
  return result.runs === 0 && result.entries === 0 && result.ledger === 0 && !result.audit;
}
