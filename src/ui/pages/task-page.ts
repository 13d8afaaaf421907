import { formatBytes } from '../../cli/output/human-units';
import type { UiData } from '../ui-data';
import { html, pagePath, queryString } from '../html';
import { MASKED_TEXT } from '../masking';
import { layout, nextLink, table, when, type Crumb } from './layout';

type XComsDoc = Awaited<ReturnType<UiData['xcoms']>>;
type LedgerDoc = Awaited<ReturnType<UiData['ledger']>>;

/** The crumbs down to a task instance: DAGs › dag › run › task[map]. */
export function taskCrumbs(t: { dagId: string; runId: string; taskId: string; mapIndex: number }, here?: string): Crumb[] {
  const taskLabel = t.mapIndex >= 0 ? `${t.taskId}[${t.mapIndex}]` : t.taskId;
  return [
    { label: 'DAGs', href: '/' },
    { label: t.dagId, href: `/runs${queryString({ dag: t.dagId })}` },
    { label: t.runId, href: `/runs/${pagePath(t.dagId, t.runId)}` },
    here === undefined ? { label: taskLabel } : { label: taskLabel, href: taskHref(t) },
    ...(here === undefined ? [] : [{ label: here }]),
  ];
}

export function taskHref(t: { dagId: string; runId: string; taskId: string; mapIndex: number }): string {
  return `/runs/${pagePath(t.dagId, t.runId, 'tasks', t.taskId, t.mapIndex)}`;
}

export function taskPage(xcoms: XComsDoc, ledger: LedgerDoc, cursors: { after?: string; ledgerAfter?: string }): string {
  const base = taskHref(xcoms);
  const rows = xcoms.xcoms.map((x) => [
    html`<a class="xcom" href="${base}/xcoms/${encodeURIComponent(x.key)}">${x.key}</a>`,
    html`${x.attempt}`,
    html`${formatBytes(x.sizeBytes)}`,
    html`${x.stored}`,
    html`${x.encoding}`,
    html`<code title="${x.digest}">${x.digest.slice(0, 12)}</code>`,
    html`${x.masked ? MASKED_TEXT : ''}`,
    html`${when(x.updatedAt)}`,
  ]);
  const records = ledger.records.map((r) => [
    html`${r.id}`,
    html`${r.key}`,
    html`${r.attempt}`,
    html`<span class="outcome outcome-${r.outcome}">${r.outcome}</span>`,
    html`${r.sizeBytes === null ? '' : formatBytes(r.sizeBytes)}`,
    html`<code>${r.digest?.slice(0, 12) ?? ''}</code>`,
    html`<code>${r.temporalRunId ?? ''}</code>`,
    html`${when(r.recordedAt)}`,
  ]);
  const temporal = xcoms.temporalUrl ? html`<p><a class="temporal" href="${xcoms.temporalUrl}">open in the Temporal Web UI</a></p>` : html``;
  const body = html`${temporal}
<h2>XComs</h2>
${table(['key', 'attempt', 'size', 'stored', 'encoding', 'sha256', 'masked', 'written'], rows, 'this task instance has no XComs now')}
${nextLink(xcoms.next, (after) => `${base}${queryString({ after, ledgerAfter: cursors.ledgerAfter })}`)}
<h2>Ledger</h2>
<p class="hint">Every write of every attempt: written (visible), fenced (lost to a newer attempt), superseded (removed by a newer owner), deleted, discarded (pushed by a failed attempt).</p>
${table(['#', 'key', 'attempt', 'outcome', 'size', 'sha256', 'Temporal run', 'recorded'], records, 'no ledger records')}
${nextLink(ledger.next, (ledgerAfter) => `${base}${queryString({ after: cursors.after, ledgerAfter })}`)}`;
  const label = xcoms.mapIndex >= 0 ? `${xcoms.taskId}[${xcoms.mapIndex}]` : xcoms.taskId;
  return layout(`Task ${label}`, taskCrumbs(xcoms), body);
}
