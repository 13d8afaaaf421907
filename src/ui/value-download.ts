import type { ServerResponse } from 'node:http';
import { types } from 'node:util';
import { toJsonText } from '../codec/json-value';
import { maskValue } from '../masking/mask-value';
import type { ResolvedIdentity } from '../store/identity';
import type { XComStore } from '../store/xcom-store';
import type { Mask } from './masking';
import { UiRequestError } from './ui-request';

/**
 * Sends the whole value of an entry as the store reads it (decompressed, decrypted with the configured keys, its
 * digest checked): temporal-xcom's tagged JSON, or the raw bytes of a binary value. This loads the whole value: the
 * page offers it only with `--allow-download`. Paths inside the value that `mask` hides are `***` in the download as
 * on the page (the caller refuses a masked key outright).
 */
export async function sendDownload(res: ServerResponse, store: XComStore, identity: ResolvedIdentity, mask: Mask): Promise<void> {
  const record = await store.get(identity);
  if (record === undefined) throw new UiRequestError(404, `no XCom ${identity.dagId}/${identity.runId}/${identity.taskId}/${identity.mapIndex}/${identity.key}`);
  const value = maskValue(identity.key, record.value, mask);
  const binary = types.isUint8Array(value);
  const body = binary ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : Buffer.from(toJsonText(value), 'utf8');
  const name = `${identity.taskId}-${identity.key}`.replace(/[^\w.-]+/g, '_') + (binary ? '.bin' : '.json');
  res.writeHead(200, {
    'content-type': binary ? 'application/octet-stream' : 'application/json; charset=utf-8',
    'content-length': body.length,
    'content-disposition': `attachment; filename="${name}"`,
  });
  res.end(body);
}
