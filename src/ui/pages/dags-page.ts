import type { DagSummary } from '../dag-page';
import { html, queryString } from '../html';
import { layout, nextLink, table, when } from './layout';

export function dagsPage(doc: { dags: readonly DagSummary[]; next?: string }): string {
  const rows = doc.dags.map((d) => [
    html`<a href="/runs${queryString({ dag: d.dagId })}">${d.dagId}</a>`,
    html`<a href="/runs/${encodeURIComponent(d.dagId)}/${encodeURIComponent(d.latestRunId)}">${d.latestRunId}</a>`,
    html`${when(d.latestRunAt)}`,
  ]);
  const body = html`<p><a href="/runs">all runs, newest first</a></p>
${table(['DAG', 'latest run', 'latest run at'], rows, 'no DAG runs in this store yet')}
${nextLink(doc.next, (after) => `/${queryString({ after })}`)}`;
  return layout('DAGs', [{ label: 'DAGs' }], body);
}
