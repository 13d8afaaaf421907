import { sha256Hex } from '../codec/digest';
import { formatEncoding, parseEncoding, type ParsedEncoding } from '../codec/encoding';
import type { ObjectStore } from '../objects/object-store';
import type { EntryRow } from '../store/entry-rows';
import { JsonPrefixError, parseJsonPrefix } from './json-prefix';
import type { Mask } from './masking';
import { DEFAULT_PREVIEW_LIMITS, type PreviewLimits, type PreviewNode } from './preview-node';
import { readValuePrefix, type ReadRange } from './value-prefix';

/** Serialized bytes a preview reads from the start of a value: the "first few KB". */
export const PREVIEW_BYTES = 32 * 1024;
/** Bytes of a binary value shown as hex. */
const HEX_BYTES = 256;

/** What the page shows of one value: how it is stored, and a bounded tree of its start. */
export interface ValuePreview {
  /** `object`, `array`, `string`, `number`, `boolean`, `null`, a tagged type (`Date`, `Map`, …) or `bytes`. */
  readonly type: string;
  readonly sizeBytes: number;
  readonly storedBytes: number;
  readonly stored: 'inline' | 'object store';
  readonly objectKey: string | null;
  readonly encoding: string;
  readonly digest: string;
  /** `verified` when the preview read the whole value and its SHA-256 matched; a partial read cannot check it. */
  readonly digestCheck: 'verified' | 'mismatch' | 'partial read' | 'not read';
  /** Serialized bytes the preview covers, and stored bytes read to get them. */
  readonly previewBytes: number;
  readonly storedBytesRead: number;
  /** True when the preview covers the whole value. */
  readonly complete: boolean;
  readonly masked: boolean;
  /** The tree of a JSON value. */
  readonly tree?: PreviewNode;
  /** The first bytes of a binary value, as hex. */
  readonly hex?: string;
  /** Why there is no tree or hex (a store that cannot read a part, an unknown encoding, corrupt bytes). */
  readonly unavailable?: string;
}

export interface PreviewSources {
  readonly objectStore: ObjectStore;
  readonly mask: Mask;
  readonly limits?: PreviewLimits;
  readonly previewBytes?: number;
}

/**
 * The preview of the entry in `row` (selected with its inline value): reads at most `previewBytes` serialized bytes
 * (a range read from the object store, through a streaming decompressor when the value is compressed) and parses
 * them as the start of a JSON value. Never loads a whole large value.
 */
export async function previewEntry(row: EntryRow, sources: PreviewSources): Promise<ValuePreview> {
  const stored = row.object_key === null ? 'inline' : 'object store';
  const base = {
    sizeBytes: Number(row.size_bytes),
    storedBytes: Number(row.stored_bytes),
    stored,
    objectKey: row.object_key,
    encoding: row.encoding,
    digest: row.digest,
  } as const;
  const empty = { digestCheck: 'not read', previewBytes: 0, storedBytesRead: 0, complete: false } as const;
  if (sources.mask([row.key])) return { ...base, ...empty, type: 'masked', masked: true };

  let encoding: ParsedEncoding;
  try {
    encoding = parseEncoding(row.encoding);
  } catch {
    return { ...base, ...empty, type: 'unknown', masked: false, unavailable: `encoding ${row.encoding} is not one this version can read` };
  }
  if (formatEncoding(encoding.format, encoding.compression) !== row.encoding) {
    // More than format and compression (encryption at rest): a part can be neither decrypted alone nor authenticated.
    const reason = `encoding ${row.encoding} seals the stored bytes beyond compression (encryption at rest), so a part of them cannot be read, and a preview never loads a whole value`;
    return { ...base, ...empty, type: encoding.format, masked: false, unavailable: reason };
  }
  const read = rangeReader(row, sources.objectStore);
  if (typeof read === 'string') return { ...base, ...empty, type: encoding.format, masked: false, unavailable: read };

  const wanted = sources.previewBytes ?? PREVIEW_BYTES;
  let prefix;
  try {
    prefix = await readValuePrefix(read, base.storedBytes, encoding.compression, wanted);
  } catch (err) {
    return { ...base, ...empty, type: encoding.format, masked: false, unavailable: (err as Error).message };
  }
  const digestCheck = !prefix.complete ? 'partial read' : sha256Hex(prefix.bytes) === row.digest.toLowerCase() ? 'verified' : 'mismatch';
  const covered = { digestCheck, previewBytes: prefix.bytes.length, storedBytesRead: prefix.storedBytesRead, complete: prefix.complete, masked: false } as const;
  if (encoding.format === 'bytes') {
    return { ...base, ...covered, type: 'bytes', hex: prefix.bytes.subarray(0, HEX_BYTES).toString('hex') };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(prefix.bytes, { stream: !prefix.complete });
    const tree = parseJsonPrefix(text, prefix.complete, sources.limits ?? DEFAULT_PREVIEW_LIMITS, sources.mask, [row.key]);
    return { ...base, ...covered, type: tree.kind === 'tagged' ? tree.type : tree.kind, tree };
  } catch (err) {
    if (!(err instanceof JsonPrefixError)) throw err;
    return { ...base, ...covered, type: 'json', unavailable: `the stored JSON does not parse: ${err.message}` };
  }
}

/** Reads parts of the stored bytes: the row's inline value, or range reads of the object; a reason when it cannot. */
function rangeReader(row: EntryRow, objects: ObjectStore): ReadRange | string {
  if (row.object_key === null) {
    const inline = row.inline_value ?? Buffer.alloc(0);
    return (start, length) => Promise.resolve(inline.subarray(start, start + length));
  }
  const key = row.object_key;
  if (objects.getRange === undefined) {
    return `the object store (${objects.description}) cannot read part of an object, and a preview never loads a whole one`;
  }
  return (start, length) => objects.getRange!(key, start, length);
}
