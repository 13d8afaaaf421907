import { html, type SafeHtml } from '../html';

/** One step of the breadcrumb: a label and where it leads (the last step is the page itself). */
export interface Crumb {
  readonly label: string;
  readonly href?: string;
}

/** The frame of every page: title, breadcrumb, content, and the small client script. */
export function layout(title: string, crumbs: readonly Crumb[], body: SafeHtml): string {
  const trail = crumbs.map((c, i) => html`${i > 0 ? ' › ' : ''}${c.href ? html`<a href="${c.href}">${c.label}</a>` : html`<span>${c.label}</span>`}`);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · temporal-xcom</title>
<link rel="stylesheet" href="/ui.css">
<script src="/ui.js" defer></script>
</head>
<body>
<header><a class="brand" href="/">temporal-xcom</a><nav aria-label="breadcrumb">${trail}</nav></header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`.text;
}

/** A table with a header row; `rows` are already-built cells. */
export function table(headers: readonly string[], rows: readonly SafeHtml[][], empty: string): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<table>
<thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>${rows.map((cells) => html`<tr>${cells.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody>
</table>`;
}

/** "next page" when the listing has more; `href` is built with the cursor. */
export function nextLink(next: string | undefined, href: (cursor: string) => string): SafeHtml {
  return next === undefined ? html`` : html`<p class="pager"><a rel="next" href="${href(next)}">next page ›</a></p>`;
}

export function when(date: Date | null | undefined): string {
  return date ? date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') : '';
}
