import { createHash, randomBytes } from 'node:crypto';
import { OffThreadSha256 } from '../../../src/store/stream/off-thread-sha256';
import { sha256Worker } from '../../../src/store/stream/sha256-worker';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Feeds `chunks` to a job the way verifiedBytes does: waiting only when `update` asks to. */
async function hashOffThread(chunks: readonly Buffer[], job = new OffThreadSha256({ batchBytes: 1000, maxBatches: 2 })): Promise<string> {
  for (const chunk of chunks) {
    const wait = job.update(chunk);
    if (wait !== undefined) await wait;
  }
  return job.digest();
}

/** Chunks of uneven sizes, some larger than a batch, some smaller, one empty. */
function unevenChunks(): Buffer[] {
  return [1, 999, 1000, 1001, 0, 4321, 17, 2500].map((size) => randomBytes(size));
}

describe('OffThreadSha256', () => {
  it('digests chunks that straddle batches like an inline SHA-256, waiting for batches when all are in flight', async () => {
    const chunks = unevenChunks();
    expect(await hashOffThread(chunks)).toBe(sha256(Buffer.concat(chunks)));
    expect(sha256Worker.openJobs).toBe(0);
  });

  it('digests nothing as the empty SHA-256', async () => {
    expect(await hashOffThread([])).toBe(sha256(Buffer.alloc(0)));
  });

  it('keeps concurrent jobs apart in the one worker', async () => {
    const inputs = Array.from({ length: 4 }, unevenChunks);
    const digests = await Promise.all(inputs.map((chunks) => hashOffThread(chunks)));
    expect(digests).toEqual(inputs.map((chunks) => sha256(Buffer.concat(chunks))));
  });

  it('hashes a chunk as it was when given, not as the caller changes it afterwards', async () => {
    const chunk = Buffer.alloc(1500, 1);
    const job = new OffThreadSha256({ batchBytes: 1000, maxBatches: 2 });
    expect(job.update(chunk)).toBeUndefined();
    chunk.fill(2);
    expect(await job.digest()).toBe(sha256(Buffer.alloc(1500, 1)));
  });

  it('closes a dropped job, and a drop after the digest is harmless', async () => {
    const dropped = new OffThreadSha256({ batchBytes: 1000, maxBatches: 2 });
    expect(dropped.update(randomBytes(1500))).toBeUndefined(); // one batch sent, one begun
    expect(sha256Worker.openJobs).toBe(1);
    dropped.drop();
    dropped.drop();
    expect(sha256Worker.openJobs).toBe(0);
    const done = new OffThreadSha256();
    expect(done.update(Buffer.from('abc'))).toBeUndefined();
    expect(await done.digest()).toBe(sha256(Buffer.from('abc')));
    done.drop();
    expect(sha256Worker.openJobs).toBe(0);
  });

  it('fails an open job, naming the worker thread, when the thread stops; the next job gets a new thread', async () => {
    const job = new OffThreadSha256({ batchBytes: 1000, maxBatches: 2 });
    expect(job.update(randomBytes(1500))).toBeUndefined();
    await sha256Worker.stop();
    expect(sha256Worker.openJobs).toBe(0);
    expect(() => job.update(randomBytes(2000))).toThrow(/the SHA-256 worker thread that verifies streamed reads exited/);
    await expect(async () => job.digest()).rejects.toThrow(/SHA-256 worker thread/);
    const chunks = unevenChunks();
    expect(await hashOffThread(chunks)).toBe(sha256(Buffer.concat(chunks)));
  });
});
