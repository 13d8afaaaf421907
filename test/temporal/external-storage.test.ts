import { S3Client } from '@aws-sdk/client-s3';
import { temporal } from '@temporalio/proto';
import { s3ExternalStorage } from '../../bench/overhead/external-storage';
import { openPluginContext, type PluginContext } from '../helpers/plugin-context';
import { requiredEnv } from '../helpers/store-fixtures';

// Temporal's External Storage beside the plugin (README "Large values"): a task's large result is stored once, as
// an XCom, and never again as an external payload. The plugin lowers its history threshold under External Storage's
// when a worker has both, so the result is a ref by the time Temporal's data converter sees it.

const EXTERNAL_THRESHOLD = 64 * 1024;

let ctx: PluginContext;
let s3: S3Client;
beforeAll(async () => {
  ctx = await openPluginContext();
  s3 = new S3Client({
    endpoint: requiredEnv('S3_ENDPOINT'),
    region: process.env.S3_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: requiredEnv('S3_ACCESS_KEY_ID'), secretAccessKey: requiredEnv('S3_SECRET_ACCESS_KEY') },
  });
});
afterAll(async () => {
  s3.destroy();
  await ctx.release();
});

test('a result above External Storage\'s threshold (and below the plugin\'s default) is stored once, as an XCom', async () => {
  const { storage, counts } = s3ExternalStorage(s3, requiredEnv('S3_BUCKET'), 8 * 1024 * 1024, EXTERNAL_THRESHOLD);
  expect(storage.payloadSizeThreshold).toBe(EXTERNAL_THRESHOLD);
  const before = ctx.plugin.runtime.historyThresholdBytes;
  // The test plugin's threshold (256 KiB) is above External Storage's: without the lowering, 100 KiB is no ref.
  expect(before).toBeGreaterThan(EXTERNAL_THRESHOLD * 2);

  // 0.1 MiB of hex: ~100 KiB of JSON, over External Storage's 64 KiB and under the plugin's own threshold.
  const { workflowId, result } = await ctx.run<{ sawRef: boolean; refSize: number; checked: { length: number; intact: boolean } }>(
    'largeResultWorkflow',
    [0.1],
    { dataConverter: { externalStorage: storage } },
  );

  expect(ctx.plugin.runtime.historyThresholdBytes).toBeLessThan(EXTERNAL_THRESHOLD);
  expect(result.sawRef).toBe(true);
  expect(result.checked).toEqual({ length: 104_856, intact: true });
  // External Storage never stored (or fetched) anything: every payload it saw was under its threshold.
  expect(counts).toEqual({ puts: 0, putBytes: 0, gets: 0, getBytes: 0, heads: 0 });
  // The value is stored once, by the plugin, and history holds only the ref.
  const record = await (await ctx.store()).get({ dagId: 'largeResultWorkflow', runId: workflowId, taskId: 'big', key: 'return_value' });
  expect(record?.sizeBytes).toBe(result.refSize);
  expect(record?.sizeBytes).toBeGreaterThan(EXTERNAL_THRESHOLD);
  const history = await ctx.env.client().workflow.getHandle(workflowId).fetchHistory();
  const largest = largestPayload(history);
  expect(largest).toBeGreaterThan(0);
  expect(largest).toBeLessThan(EXTERNAL_THRESHOLD / 8);
  expect(temporal.api.history.v1.History.encode(history).finish().byteLength).toBeLessThan(EXTERNAL_THRESHOLD);
});

function largestPayload(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return Math.max(0, ...value.map(largestPayload));
  if (value && typeof value === 'object') return Math.max(0, ...Object.values(value).map(largestPayload));
  return 0;
}
