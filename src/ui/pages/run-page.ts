import { formatBytes } from '../../cli/output/human-units';
import type { UiData } from '../ui-data';
import { html, pagePath, queryString } from '../html';
import { layout, nextLink, table, when } from './layout';

type RunDoc = Awaited<ReturnType<UiData['run']>>;

export function runPage(doc: RunDoc): string {
  const rows = doc.tasks.map((t) => {
    const ledger = Object.entries(t.ledger)
      .filter(([, n]) => n > 0)
      .map(([outcome, n]) => `${n} ${outcome}`)
      .join(', ');
    return [
      html`<a class="task" href="/runs/${pagePath(doc.dagId, doc.runId, 'tasks', t.taskId, t.mapIndex)}">${t.taskId}</a>`,
      html`${t.mapIndex >= 0 ? t.mapIndex : ''}`,
      html`<span class="state state-${t.state}">${t.state}</span>`,
      html`${t.attempt ?? ''}`,
      html`${t.keys}`,
      html`${formatBytes(t.storedBytes)}`,
      html`${when(t.committedAt)}`,
      html`${ledger}`,
    ];
  });
  const temporal = doc.temporalUrl ? html`<p><a class="temporal" href="${doc.temporalUrl}">open in the Temporal Web UI</a></p>` : html``;
  const body = html`${temporal}
${table(['task', 'map index', 'state', 'attempt', 'XComs', 'stored', 'committed', 'ledger'], rows, 'no task instances recorded for this run')}
${nextLink(doc.next, (after) => `/runs/${pagePath(doc.dagId, doc.runId)}${queryString({ after })}`)}`;
  return layout(`Run ${doc.runId}`, [{ label: 'DAGs', href: '/' }, { label: doc.dagId, href: `/runs${queryString({ dag: doc.dagId })}` }, { label: doc.runId }], body);
}
