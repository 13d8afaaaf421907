/**
 * The page in a real browser (Debian's chromium through playwright-core) on a DAG run made on the real services:
 * DAG → runs → run → task → value, a large value's preview expanded, and the screenshots the README shows.
 */
import { mkdir } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { runShowcase, type ShowcaseRun } from './showcase-run';
import { startUiProcess, type UiProcess } from './ui-process';

// `npm run docs:screenshots` keeps them in docs/ui for the README; other runs write them to a temporary directory.
const SCREENSHOTS = process.env.UI_SCREENSHOTS_DIR ? resolve(process.env.UI_SCREENSHOTS_DIR) : join(tmpdir(), `xcom-ui-shots-${process.pid}`);
const ROWS = 40_000; // about 3 MB of JSON: the object store, gzipped
const TEMPORAL_UI_URL = 'http://temporal-ui.test:8233';

let run: ShowcaseRun;
let ui: UiProcess;
let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launchChromium(); // first: without chromium the test fails at once, naming it
  run = await runShowcase(ROWS);
  ui = await startUiProcess({ ...run.cliEnv, TEMPORAL_UI_URL }, ['--allow-download']);
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await mkdir(SCREENSHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  await run?.release();
});

const shot = (name: string, fullPage = true) => page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage });

describe('the xcom ui page in chromium', () => {
  test('DAG → run → task → value, with a large value previewed from a range read', async () => {
    await page.goto(ui.url);
    await page.getByRole('link', { name: run.dagId, exact: true }).click();
    await page.waitForURL(`${ui.url}runs?dag=${run.dagId}`);
    await expect(page.locator('h1').textContent()).resolves.toBe(`Runs of ${run.dagId}`);
    await shot('runs');

    await page.getByRole('link', { name: run.runId }).click();
    const rowOf = (task: string) => page.locator('tr', { has: page.getByRole('link', { name: task, exact: true }) });
    await expect(rowOf('extract').locator('.state').textContent()).resolves.toBe('success');
    // flaky_push failed once after pushing: its push was discarded; attempt 2 owns the instance (a push and its result).
    await expect(rowOf('flaky_push').locator('td').allTextContents()).resolves.toEqual([
      'flaky_push',
      '',
      'success',
      '2',
      '2',
      expect.stringMatching(/ B$/),
      expect.stringMatching(/^\d{4}-/),
      '2 written, 1 discarded',
    ]);
    const temporal = await page.locator('a.temporal').getAttribute('href');
    expect(temporal).toBe(`${TEMPORAL_UI_URL}/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId="${run.runId}"`)}`);
    await shot('run');

    await page.getByRole('link', { name: 'extract', exact: true }).click();
    const xcom = page.locator('tr', { has: page.getByRole('link', { name: 'return_value' }) });
    await expect(xcom.textContent()).resolves.toMatch(/object store.*json\+gzip/);
    await expect(page.locator('.outcome-written').count()).resolves.toBe(1);
    expect(await page.locator('a.temporal').getAttribute('href')).toMatch(new RegExp(`^${TEMPORAL_UI_URL}/namespaces/default/workflows/${run.runId}/[0-9a-f-]+/history$`));
    await shot('task-xcoms');

    await page.getByRole('link', { name: 'return_value' }).click();
    await expect(page.locator('.fact-stored').textContent()).resolves.toMatch(/^object store: /);
    const head = page.locator('.preview-head');
    await head.waitFor();
    const headText = (await head.textContent())!;
    expect(headText).toMatch(/^array · previewed 32,768 bytes of [\d,]+ bytes \(([\d,]+) stored bytes read\) · sha256 partial read$/);
    const storedRead = Number(/\(([\d,]+) stored bytes read\)/.exec(headText)![1]!.replace(/,/g, ''));
    expect(storedRead).toBeLessThan(256 * 1024); // a range read, not the megabytes stored
    const root = page.locator('#preview > .node > details');
    await expect(root.locator('> summary').textContent()).resolves.toMatch(/^array · at least \d{3} items$/);
    await expect(root.locator('> .more').allTextContents()).resolves.toEqual([
      expect.stringMatching(/^… [\d,]+ more items not drawn$/),
      '… the value continues past the preview',
    ]);
    // Expand the first row: its fields, with the password masked.
    const first = root.locator('> .node').first();
    const firstRow = first.locator('> details');
    await expect(firstRow.getAttribute('open')).resolves.toBeNull();
    await firstRow.locator('> summary').click();
    await expect(firstRow.getAttribute('open')).resolves.toBe('');
    await expect(firstRow.locator('> summary').textContent()).resolves.toBe('0: object · 4 keys');
    await expect(first.textContent()).resolves.toContain('"name": "customer 0"');
    await expect(first.textContent()).resolves.toContain('"password": ***');
    await expect(first.textContent()).resolves.not.toContain('pw-0');
    await shot('value-preview', false); // the top: the facts, the preview's head and the expanded row
  });

  test('values are shown as text, never as HTML, and sensitive keys are masked', async () => {
    const task = `${ui.url}runs/${run.dagId}/${run.runId}/tasks/summarize/-1`;
    await page.goto(`${task}/xcoms/return_value`);
    await page.locator('.preview-head').waitFor();
    // Drawn as a JSON string literal: the markup shows as text, its quotes escaped.
    await expect(page.locator('#preview').textContent()).resolves.toContain('"note": "<img src=x onerror=\\"document.title=\'pwned\'\\"><script>');
    await expect(page.locator('#preview img, #preview script').count()).resolves.toBe(0);
    expect(await page.title()).not.toBe('pwned');

    await page.goto(`${task}/xcoms/api_token`);
    await expect(page.locator('#preview .v-masked').textContent()).resolves.toBe('*** (masked)');
    await expect(page.locator('body').textContent()).resolves.not.toContain('tok-123');
    await expect(page.locator('a.download').count()).resolves.toBe(0);
  });

  test("the runs page's form filters by date range (the run's logical date is 2026-03-01)", async () => {
    await page.goto(`${ui.url}runs?dag=${run.dagId}`);
    await page.locator('input[name=from]').fill('2026-03-02');
    await page.getByRole('button', { name: 'filter' }).click();
    await expect(page.locator('p.empty').textContent()).resolves.toBe('no runs match');
    await page.locator('input[name=from]').fill('2026-03-01');
    await page.locator('input[name=to]').fill('2026-03-02');
    await page.getByRole('button', { name: 'filter' }).click();
    await expect(page.locator('a.run').allTextContents()).resolves.toEqual([run.runId]);
    expect(new URL(page.url()).search).toBe(`?dag=${run.dagId}&from=2026-03-01&to=2026-03-02`);
  });

  test("the runs page lists runs without counting their entries, and shows each run's XComs and bytes on request", async () => {
    await page.goto(`${ui.url}runs?dag=${run.dagId}`);
    const headers = () => page.locator('th').allTextContents();
    await expect(headers()).resolves.toEqual(['DAG', 'run', 'logical date', 'created']);
    await page.locator('input[name=sizes]').check();
    await page.getByRole('button', { name: 'filter' }).click();
    await page.waitForURL(/sizes=1/);
    await expect(headers()).resolves.toEqual(['DAG', 'run', 'logical date', 'created', 'XComs', 'stored']);
    await expect(page.locator('input[name=sizes]').isChecked()).resolves.toBe(true);

    const api = `${ui.url}api/runs?dag=${run.dagId}`;
    const { tasks } = (await (await page.request.get(`${ui.url}api/runs/${run.dagId}/${run.runId}`)).json()) as { tasks: { keys: number }[] };
    const entries = tasks.reduce((sum, t) => sum + t.keys, 0);
    await expect(page.locator('tr', { has: page.getByRole('link', { name: run.runId }) }).locator('td').nth(4).textContent()).resolves.toBe(String(entries));
    const plain = (await (await page.request.get(api)).json()) as { runs: Record<string, unknown>[] };
    expect(Object.keys(plain.runs[0]!).sort()).toEqual(['createdAt', 'dagId', 'logicalDate', 'runId']);
    const sized = (await (await page.request.get(`${api}&sizes=1`)).json()) as { runs: Record<string, unknown>[] };
    expect(sized.runs[0]).toEqual({ ...plain.runs[0], entries, storedBytes: expect.any(Number) });
    const bad = await page.request.get(`${api}&sizes=maybe`);
    expect(bad.status()).toBe(400);
  });

  test('the JSON API serves the documents the page draws, and the download behind --allow-download', async () => {
    const api = `${ui.url}api/runs/${run.dagId}/${run.runId}`;
    const tasks = (await (await page.request.get(api)).json()) as { tasks: { taskId: string; state: string; ledger: Record<string, number> }[] };
    expect(tasks.tasks.map((t) => [t.taskId, t.state, t.ledger.discarded])).toEqual([
      ['extract', 'success', 0],
      ['flaky_push', 'success', 1],
      ['summarize', 'success', 0],
    ]);
    const full = await page.request.get(`${api}/tasks/extract/-1/xcoms/return_value/download`);
    expect(full.status()).toBe(200);
    const rows = JSON.parse((await full.body()).toString('utf8')) as unknown[];
    expect(rows).toHaveLength(ROWS);
    const masked = await page.request.get(`${api}/tasks/summarize/-1/xcoms/api_token/download`);
    expect(masked.status()).toBe(403);
    // On loopback, a request addressed to another host name (DNS rebinding) is refused.
    const rebound = await new Promise<number | undefined>((done, fail) => {
      get(`${ui.url}api/dags`, { headers: { host: 'rebound.example' } }, (res) => (res.resume(), done(res.statusCode))).on('error', fail);
    });
    expect(rebound).toBe(403);
    const badDate = await page.request.get(`${ui.url}api/runs?from=yesterday`);
    expect(badDate.status()).toBe(400);
    expect(((await badDate.json()) as { error: string }).error).toBe("from must be a date such as '2024-06-01' or an ISO 8601 time, got 'yesterday'");
    const missing = await page.request.get(`${api}/tasks/extract/-1/xcoms/nope`);
    expect(missing.status()).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/no XCom .* key=nope/);
  });
});
