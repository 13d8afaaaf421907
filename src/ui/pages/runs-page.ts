import { formatBytes } from '../../cli/output/human-units';
import type { DagRunSummary } from '../../store/retention/types';
import { html, pagePath, queryString } from '../html';
import { layout, nextLink, table, when } from './layout';

export interface RunsDoc {
  readonly filter: { readonly dagId?: string; readonly from?: Date; readonly to?: Date };
  readonly runs: readonly (Omit<DagRunSummary, 'bytes'> & { storedBytes: number })[];
  readonly next?: string;
}

const day = (d: Date | undefined) => d?.toISOString().slice(0, 10);

export function runsPage(doc: RunsDoc): string {
  const { dagId, from, to } = doc.filter;
  const rows = doc.runs.map((r) => [
    html`<a href="/runs${queryString({ dag: r.dagId })}">${r.dagId}</a>`,
    html`<a class="run" href="/runs/${pagePath(r.dagId, r.runId)}">${r.runId}</a>`,
    html`${when(r.logicalDate)}`,
    html`${when(r.createdAt)}`,
    html`${r.entries}`,
    html`${formatBytes(r.storedBytes)}`,
  ]);
  const body = html`<form class="filter" method="get" action="/runs">
<label>DAG <input name="dag" value="${dagId ?? ''}" placeholder="any"></label>
<label>from <input name="from" type="date" value="${day(from) ?? ''}"></label>
<label>to <input name="to" type="date" value="${day(to) ?? ''}"></label>
<button type="submit">filter</button>
</form>
${table(['DAG', 'run', 'logical date', 'created', 'XComs', 'stored'], rows, 'no runs match')}
${nextLink(doc.next, (after) => `/runs${queryString({ dag: dagId, from: day(from), to: day(to), after })}`)}`;
  const title = dagId === undefined ? 'Runs' : `Runs of ${dagId}`;
  return layout(title, [{ label: 'DAGs', href: '/' }, { label: title }], body);
}
