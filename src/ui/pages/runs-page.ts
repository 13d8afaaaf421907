import { formatBytes } from '../../cli/output/human-units';
import type { ListedRun } from '../../store/retention/types';
import { html, pagePath, queryString } from '../html';
import { layout, nextLink, table, when } from './layout';

export interface RunsDoc {
  readonly filter: { readonly dagId?: string; readonly from?: Date; readonly to?: Date; readonly sizes: boolean };
  /** With `filter.sizes`, each run's entries and stored bytes too. */
  readonly runs: readonly (ListedRun & { readonly entries?: number; readonly storedBytes?: number })[];
  readonly next?: string;
}

const day = (d: Date | undefined) => d?.toISOString().slice(0, 10);

export function runsPage(doc: RunsDoc): string {
  const { dagId, from, to, sizes } = doc.filter;
  const rows = doc.runs.map((r) => [
    html`<a href="/runs${queryString({ dag: r.dagId })}">${r.dagId}</a>`,
    html`<a class="run" href="/runs/${pagePath(r.dagId, r.runId)}">${r.runId}</a>`,
    html`${when(r.logicalDate)}`,
    html`${when(r.createdAt)}`,
    ...(sizes ? [html`${r.entries ?? ''}`, html`${r.storedBytes === undefined ? '' : formatBytes(r.storedBytes)}`] : []),
  ]);
  const flag = sizes ? '1' : undefined;
  const body = html`<form class="filter" method="get" action="/runs">
<label>DAG <input name="dag" value="${dagId ?? ''}" placeholder="any"></label>
<label>from <input name="from" type="date" value="${day(from) ?? ''}"></label>
<label>to <input name="to" type="date" value="${day(to) ?? ''}"></label>
<label class="check"><input name="sizes" type="checkbox" value="1"${sizes ? html` checked` : html``}> XComs and bytes per run</label>
<button type="submit">filter</button>
</form>
${table(['DAG', 'run', 'logical date', 'created', ...(sizes ? ['XComs', 'stored'] : [])], rows, 'no runs match')}
${nextLink(doc.next, (after) => `/runs${queryString({ dag: dagId, from: day(from), to: day(to), sizes: flag, after })}`)}`;
  const title = dagId === undefined ? 'Runs' : `Runs of ${dagId}`;
  return layout(title, [{ label: 'DAGs', href: '/' }, { label: title }], body);
}
