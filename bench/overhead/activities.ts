// The bench's activities: one tiny result per call, and a large Buffer handed from one activity to the next.
import { xcom } from '../../src/worker/xcom-api';
import { largePayload, sha256Hex } from './payload';

export interface SmallResult {
  readonly index: number;
  readonly status: string;
  readonly rows: number;
  readonly table: string;
  readonly partition: string;
}

/** A typical small task result: about 100 bytes of JSON, so one inline XCom row per call with the plugin. */
export async function smallResult(index: number): Promise<SmallResult> {
  return { index, status: 'ok', rows: 18234, table: 'analytics.daily_orders', partition: '2024-06-01' };
}

/** `smallResult` after pulling the upstream task's result (when named): one XCom read, recorded by the plugin. */
export async function pullThenResult(index: number, upstreamTaskId: string | null): Promise<SmallResult> {
  if (upstreamTaskId !== null && (await xcom.pull({ taskIds: upstreamTaskId })) == null) {
    throw new Error(`task ${index}: upstream '${upstreamTaskId}' has no XCom`);
  }
  return smallResult(index);
}

/** A large binary result (a Buffer of random bytes); see `largePayload`. */
export async function produceBytes(sizeBytes: number, nonceHex: string): Promise<Buffer> {
  return largePayload(sizeBytes, nonceHex);
}

export interface BytesDigest {
  readonly length: number;
  readonly sha256: string;
}

/** What the consumer received: checked by the bench against what the producer made. */
export async function checkBytes(data: Uint8Array): Promise<BytesDigest> {
  if (!(data instanceof Uint8Array)) throw new TypeError(`checkBytes expected bytes, got ${typeof data}`);
  return { length: data.length, sha256: sha256Hex(data) };
}
