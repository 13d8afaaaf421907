import type { ServerResponse } from 'node:http';
import { decompress } from '../codec/compression';
import { sha256Hex } from '../codec/digest';
import { parseEncoding } from '../codec/encoding';
import { XComIntegrityError } from '../errors';
import type { ObjectStore } from '../objects/object-store';
import type { EntryRow } from '../store/entry-rows';

/**
 * Sends the whole serialized value of an entry (JSON in temporal-xcom's tagged form, or the raw bytes), checked
 * against its digest. This loads the whole value: the page offers it only with `--allow-download`.
 */
export async function sendDownload(res: ServerResponse, row: EntryRow, objects: ObjectStore): Promise<void> {
  const encoding = parseEncoding(row.encoding);
  const stored = row.object_key === null ? (row.inline_value ?? Buffer.alloc(0)) : await objects.get(row.object_key);
  const bytes = encoding.compression ? await decompress(stored, encoding.compression) : stored;
  if (sha256Hex(bytes) !== row.digest.toLowerCase()) {
    throw new XComIntegrityError(`the stored bytes of XCom key ${row.key} do not match its sha256 ${row.digest}`);
  }
  const json = encoding.format === 'json';
  const name = `${row.task_id}-${row.key}`.replace(/[^\w.-]+/g, '_') + (json ? '.json' : '.bin');
  res.writeHead(200, {
    'content-type': json ? 'application/json; charset=utf-8' : 'application/octet-stream',
    'content-length': bytes.length,
    'content-disposition': `attachment; filename="${name}"`,
  });
  res.end(bytes);
}
