import { formatBytes } from '../../cli/output/human-units';
import type { EntryMeta, TaskAddress } from '../ui-data';
import { describeExclusive } from '../../store/exclusive/describe-exclusive';
import { html } from '../html';
import { layout, when } from './layout';
import { taskCrumbs, taskHref } from './task-page';

/**
 * One XCom: its metadata here, and the preview drawn by ui.js from `/api/…` (the same document scripts read), so a
 * value's bytes are read only when its page is opened.
 */
export function valuePage(doc: TaskAddress & EntryMeta, allowDownload: boolean): string {
  const api = `/api${taskHref(doc)}/xcoms/${encodeURIComponent(doc.key)}`;
  const download =
    allowDownload && !doc.masked
      ? html`<p><a class="download" href="${api}/download" download>download the full value (${formatBytes(doc.sizeBytes)})</a></p>`
      : html``;
  const facts: [string, string][] = [
    ['size', `${formatBytes(doc.sizeBytes)} (${doc.sizeBytes} bytes serialized, ${doc.storedBytes} stored)`],
    ['stored', doc.objectKey === null ? 'inline (in the row)' : `object store: ${doc.objectKey}`],
    ['encoding', doc.encoding],
    ['sha256', doc.digest],
    ['attempt', String(doc.attempt)],
    ['written', when(doc.updatedAt)],
  ];
  const exclusive = describeExclusive(doc);
  if (exclusive !== undefined) facts.push(['exclusive', exclusive]);
  const body = html`<dl class="facts">${facts.map(([k, v]) => html`<dt>${k}</dt><dd class="fact-${k}">${v}</dd>`)}</dl>
${download}
<h2>Preview</h2>
<div id="preview" class="preview" data-src="${api}"><p class="loading">loading the preview…</p></div>
<noscript><p><a href="${api}">the preview as JSON</a></p></noscript>`;
  return layout(`XCom ${doc.key}`, taskCrumbs(doc, doc.key), body);
}
