import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { XComStore } from '../store/xcom-store';
import { html } from './html';
import { dagsPage } from './pages/dags-page';
import { layout } from './pages/layout';
import { runPage } from './pages/run-page';
import { runsPage } from './pages/runs-page';
import { taskPage } from './pages/task-page';
import { valuePage } from './pages/value-page';
import { UI_CLIENT_SCRIPT, UI_STYLES } from './ui-client';
import { entryMeta, UiData, type TaskAddress, type UiSettings } from './ui-data';
import { mapIndexOf, QueryParams, statusOf, UiRequestError } from './ui-request';
import { sendDownload } from './value-download';

export interface UiServerOptions extends UiSettings {
  /** @default 127.0.0.1: the page is for the machine it runs on unless you say otherwise. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
}

export interface UiServer {
  /** Where the page is, e.g. http://127.0.0.1:8080/ */
  readonly url: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Serves the read-only page and its JSON API over `store` (which the caller opens and closes). */
export async function startUiServer(store: XComStore, options: UiServerOptions): Promise<UiServer> {
  const data = new UiData(store, options);
  const host = options.host ?? '127.0.0.1';
  const loopbackOnly = LOOPBACK.has(host) || host.startsWith('127.');
  const server = createServer((req, res) => {
    const handled = loopbackOnly && !LOOPBACK.has(hostnameOf(req)) ? refuseHost(req) : handle(req, res, data, store);
    handled.catch((err: unknown) => sendError(res, err, isApi(req)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

const isApi = (req: IncomingMessage) => (req.url ?? '').startsWith('/api/');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function hostnameOf(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
}

/**
 * A page on loopback answers only requests addressed to loopback: a web page elsewhere that re-points its own
 * domain at 127.0.0.1 (DNS rebinding) would otherwise read the store through the visitor's browser.
 */
function refuseHost(req: IncomingMessage): Promise<never> {
  return Promise.reject(new UiRequestError(403, `the page serves only requests to localhost or 127.0.0.1, not to host ${hostnameOf(req).slice(0, 100)}`));
}

async function handle(req: IncomingMessage, res: ServerResponse, data: UiData, store: XComStore): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new UiRequestError(400, `${req.method} is not served: the page is read-only`);
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/ui.js') return send(res, 200, 'text/javascript; charset=utf-8', UI_CLIENT_SCRIPT);
  if (url.pathname === '/ui.css') return send(res, 200, 'text/css; charset=utf-8', UI_STYLES);
  if (url.pathname === '/favicon.ico') return send(res, 204, 'text/plain', '');
  const api = url.pathname.startsWith('/api/');
  const segments = pathSegments(api ? url.pathname.slice(4) : url.pathname);
  const q = new QueryParams(url.searchParams);
  const page = (doc: unknown, render: () => string) => (api ? sendJson(res, doc) : send(res, 200, 'text/html; charset=utf-8', render()));

  const [root, dagId, runId, tasks, taskId, map, section, key, action] = segments;
  if (root === undefined || (root === 'dags' && dagId === undefined)) {
    const doc = await data.dags(q);
    return page(doc, () => dagsPage(doc));
  }
  if (root === 'runs' && dagId === undefined) {
    const doc = await data.runs(q);
    return page(doc, () => runsPage(doc));
  }
  if (root === 'runs' && dagId !== undefined && runId !== undefined && tasks === undefined) {
    const doc = await data.run(dagId, runId, q);
    return page(doc, () => runPage(doc));
  }
  if (root === 'runs' && dagId !== undefined && runId !== undefined && tasks === 'tasks' && taskId !== undefined && map !== undefined) {
    const task: TaskAddress = { dagId, runId, taskId, mapIndex: mapIndexOf(map) };
    if (section === undefined && segments.length === 6) {
      const xcoms = await data.xcoms(task, q);
      if (api) return sendJson(res, xcoms);
      const ledger = await data.ledger(task, q, 'ledgerAfter');
      return send(res, 200, 'text/html; charset=utf-8', taskPage(xcoms, ledger, { after: q.string('after'), ledgerAfter: q.string('ledgerAfter') }));
    }
    if (section === 'ledger' && api && segments.length === 7) return sendJson(res, await data.ledger(task, q));
    if (section === 'xcoms' && key !== undefined && segments.length === 8) {
      if (api) return sendJson(res, await data.value(task, key));
      const row = await data.entry(task, key);
      return send(res, 200, 'text/html; charset=utf-8', valuePage({ ...task, ...entryMeta(row, data.settings.mask) }, data.settings.allowDownload));
    }
    if (section === 'xcoms' && key !== undefined && action === 'download' && segments.length === 9) {
      if (!data.settings.allowDownload) throw new UiRequestError(403, 'downloads are off: start the page with --allow-download to serve full values');
      if (data.settings.mask([key])) throw new UiRequestError(403, `XCom key ${key} is masked: its value is not served`);
      return sendDownload(res, store, { ...task, key }, data.settings.mask);
    }
  }
  throw new UiRequestError(404, `no page at ${url.pathname}`);
}

/** Path segments, each decoded on its own so that an encoded `/` (%2F) in a key stays inside its segment. */
function pathSegments(pathname: string): string[] {
  const raw = pathname.split('/').filter((s) => s !== '');
  try {
    return raw.map(decodeURIComponent);
  } catch {
    throw new UiRequestError(400, `the path ${pathname.slice(0, 100)} is not valid percent-encoding`);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...SECURITY_HEADERS });
  res.end(body);
}

function sendJson(res: ServerResponse, doc: unknown, status = 200): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(doc));
}

function sendError(res: ServerResponse, err: unknown, api: boolean): void {
  const status = statusOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (status === 500) process.stderr.write(`xcom ui: ${err instanceof Error ? (err.stack ?? message) : message}\n`);
  if (res.headersSent) return void res.destroy();
  if (api) return sendJson(res, { error: message, status }, status);
  const body = layout(status === 404 ? 'Not found' : 'Error', [{ label: 'DAGs', href: '/' }], html`<p class="unavailable">${message}</p>`);
  send(res, status, 'text/html; charset=utf-8', body);
}

