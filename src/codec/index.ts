export type { Compression, EncodedValue, ValueFormat, ValueLocation } from './encoded-value';
export { createValueCodec, parseEncoding } from './value-codec';
export type { ParsedEncoding, ValueCodec, ValueCodecOptions } from './value-codec';
export { formatEncoding } from './encoding';
export { fromJsonText, toJsonText } from './json-value';
export { compress, compressIfSmaller, decompress, DEFAULT_COMPRESS_ABOVE_BYTES } from './compression';
export type { CompressionPolicy, MaybeCompressed } from './compression';
export { sha256Hex } from './digest';
export { describeLocation } from './location';
