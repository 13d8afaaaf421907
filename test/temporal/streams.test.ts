import type { XComRef } from '../../src/common/xcom-ref';
import { XComClient } from '../../src/client/xcom-client';
import { openPluginContext, type PluginContext } from '../helpers/plugin-context';

let ctx: PluginContext;
beforeAll(async () => {
  ctx = await openPluginContext();
});
afterAll(async () => ctx.release());

const MEGABYTES = 24;
type StreamedResult = { ref: XComRef; checked: { attempt: number; length: number; sha256: string } | null };

describe('byte streams through tasks (real Temporal, Postgres, MinIO)', () => {
  test('a task returns a Readable: stored as raw bytes, the workflow gets a ref, a consumer reads it as a stream', async () => {
    const { workflowId, result } = await ctx.run<StreamedResult>('streamedBytesWorkflow', [MEGABYTES]);
    const size = MEGABYTES * 1024 * 1024;
    expect(result.ref).toMatchObject({ $xcomRef: 1, taskId: 'streamed', sizeBytes: size });
    // The consumer's stream ended normally: every byte arrived and matched the digest recorded while streaming in.
    expect(result.checked).toEqual({ attempt: expect.any(Number), length: size, sha256: result.ref.digest });

    const client = await XComClient.open({ store: await ctx.store() });
    const identity = { dagId: 'streamedBytesWorkflow', runId: workflowId, taskId: 'streamed' };
    const [entry] = await client.list({ dagIds: identity.dagId, runId: workflowId, taskIds: 'streamed' });
    expect(entry).toMatchObject({ encoding: 'bytes', sizeBytes: size, digest: result.ref.digest, objectKey: expect.any(String) });
    const streamed = await client.getStream(identity);
    let length = 0;
    for await (const chunk of streamed!.stream) length += (chunk as Buffer).length;
    expect(length).toBe(size);
    expect(await client.getStream({ ...identity, taskId: 'never_ran' })).toBeUndefined();
  });
});
