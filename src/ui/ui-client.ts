/**
 * The page's only script, served as /ui.js: draws a value's preview from its `/api/…` document as a tree of
 * `<details>` (collapsible, no framework). Every string from the document goes in through `textContent`, never as
 * HTML, because values are untrusted data.
 */
export const UI_CLIENT_SCRIPT = String.raw`'use strict';
(function () {
  var target = document.getElementById('preview');
  if (!target) return;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function count(n, one, many) { return n.toLocaleString('en-US') + ' ' + (n === 1 ? one : many); }
  function scalar(n) {
    switch (n.kind) {
      case 'null': return el('span', 'v-null', 'null');
      case 'boolean': return el('span', 'v-bool', String(n.value));
      case 'number': return el('span', 'v-num', n.value);
      case 'string': {
        var s = el('span', 'v-str', JSON.stringify(n.value));
        if (n.length > n.value.length || !n.complete) {
          var note = n.complete ? '… ' + count(n.length, 'character', 'characters') + ' in all'
            : '… at least ' + count(n.length, 'character', 'characters') + ' (the string continues past the preview)';
          var wrap = el('span'); wrap.appendChild(s); wrap.appendChild(el('span', 'more', ' ' + note)); return wrap;
        }
        return s;
      }
      case 'masked': return el('span', 'v-masked', '***');
      case 'cut': return el('span', 'more', '… (the preview ends here)');
      case 'deep': return el('span', 'more', '… (nested deeper than the preview draws)');
    }
    return null;
  }
  function summaryText(n) {
    if (n.kind === 'array') return 'array · ' + (n.complete ? count(n.count, 'item', 'items') : 'at least ' + count(n.count, 'item', 'items'));
    return 'object · ' + (n.complete ? count(n.count, 'key', 'keys') : 'at least ' + count(n.count, 'key', 'keys'));
  }
  function tree(n, label, depth) {
    var row = el('div', 'node');
    var container = n.kind === 'array' || n.kind === 'object';
    if (label !== null && !container) row.appendChild(el('span', 'label', label + ': '));
    if (n.kind === 'tagged') {
      row.appendChild(el('span', 'v-tag', n.type));
      if (n.value) { row.appendChild(el('span', null, ' ')); row.appendChild(tree(n.value, null, depth)); }
      return row;
    }
    var leaf = scalar(n);
    if (leaf) { row.appendChild(leaf); return row; }
    var details = el('details', 'container');
    if (depth === 0) details.open = true;
    var summary = el('summary');
    if (label !== null) summary.appendChild(el('span', 'label', label + ': '));
    summary.appendChild(el('span', null, summaryText(n)));
    details.appendChild(summary);
    var children = n.kind === 'array' ? n.items.map(function (item, i) { return [String(i), item]; })
      : n.entries.map(function (e) { return [JSON.stringify(e.key), e.value]; });
    children.forEach(function (c) { details.appendChild(tree(c[1], c[0], depth + 1)); });
    var hidden = n.count - children.length;
    if (hidden > 0) details.appendChild(el('div', 'more', '… ' + count(hidden, 'more item', 'more items') + ' not drawn'));
    if (!n.complete) details.appendChild(el('div', 'more', '… the value continues past the preview'));
    row.appendChild(details);
    return row;
  }
  function render(doc) {
    var p = doc.preview;
    target.textContent = '';
    var head = el('p', 'preview-head');
    head.textContent = p.type + ' · previewed ' + count(p.previewBytes, 'byte', 'bytes') + ' of ' + count(p.sizeBytes, 'byte', 'bytes') +
      ' (' + count(p.storedBytesRead, 'stored byte', 'stored bytes') + ' read) · sha256 ' + p.digestCheck;
    target.appendChild(head);
    if (p.masked) target.appendChild(el('p', 'v-masked', '*** (masked)'));
    if (p.unavailable) target.appendChild(el('p', 'unavailable', 'No preview: ' + p.unavailable));
    if (p.hex !== undefined) target.appendChild(el('pre', 'hex', p.hex.replace(/(.{64})/g, '$1\n')));
    if (p.tree) target.appendChild(tree(p.tree, null, 0));
  }
  fetch(target.getAttribute('data-src'), { headers: { accept: 'application/json' } })
    .then(function (r) { return r.json().then(function (body) { if (!r.ok) throw new Error(body.error || r.statusText); return body; }); })
    .then(render)
    .catch(function (err) { target.textContent = ''; target.appendChild(el('p', 'unavailable', 'The preview failed: ' + err.message)); });
})();
`;

export const UI_STYLES = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #fafbfc; }
header { display: flex; gap: 1.5em; align-items: baseline; padding: .6em 1.2em; background: #1d2330; color: #fff; }
header a { color: #9cc3ff; } .brand { font-weight: 700; color: #fff; text-decoration: none; }
main { padding: 1em 1.5em; } h1 { font-size: 1.3em; margin: .2em 0 .8em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
table { border-collapse: collapse; background: #fff; } th, td { padding: .3em .8em; border-bottom: 1px solid #e3e6eb; text-align: left; }
th { background: #f0f2f5; font-weight: 600; } code { font-size: .92em; }
.state-success, .outcome-written { color: #137333; } .state-failed, .outcome-discarded { color: #b3261e; }
.outcome-fenced, .outcome-superseded { color: #a15c00; } .state-cleared, .outcome-deleted { color: #666; }
.filter { display: flex; gap: 1em; margin-bottom: 1em; align-items: end; } .filter label { display: flex; flex-direction: column; font-size: .9em; } .filter label.check { flex-direction: row; align-items: center; gap: .4em; }
.facts { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; } .facts dt { font-weight: 600; } .facts dd { margin: 0; word-break: break-all; }
.preview { background: #fff; border: 1px solid #e3e6eb; padding: .8em; font-family: ui-monospace, monospace; font-size: 13px; }
.node { margin-left: 1.2em; } .preview > .node { margin-left: 0; } summary { cursor: pointer; color: #445; }
.label { color: #7a3e9d; } .v-str { color: #0b6e4f; } .v-num { color: #1a56db; } .v-bool, .v-null { color: #a15c00; }
.v-tag { color: #fff; background: #6b7280; border-radius: 3px; padding: 0 .3em; font-size: .85em; } .v-masked { color: #b3261e; }
.more, .hint, .empty, .loading { color: #6b7280; font-style: italic; } .unavailable { color: #b3261e; } .preview-head { color: #445; margin-top: 0; }
`;
