import { randomBytes } from 'node:crypto';
import { XComConfigError, XComIntegrityError, XComSerializationError } from '../../src/errors';
import {
  compress,
  compressIfSmaller,
  createValueCodec,
  decompress,
  parseEncoding,
  sha256Hex,
  type ValueCodec,
} from '../../src/codec';

const location = { dagId: 'etl', runId: 'r1', taskId: 'load', mapIndex: 2, key: 'report' };

async function roundTrip(codec: ValueCodec, value: unknown): Promise<unknown> {
  const encoded = await codec.encode(value, location);
  return codec.decode(encoded.bytes, encoded.encoding, encoded.digest, location);
}

/** A JSON value of about `bytes` bytes that compresses well. */
function compressibleRows(bytes: number): { rows: { id: number; name: string; at: Date }[] } {
  const rows = [];
  for (let i = 0; bytes > 0; i++) {
    rows.push({ id: i, name: `row number ${i}`, at: new Date(i * 1000) });
    bytes -= 80;
  }
  return { rows };
}

describe('createValueCodec', () => {
  const codec = createValueCodec();

  it('encodes small JSON values uncompressed, with size and digest of the serialized bytes', async () => {
    const encoded = await codec.encode({ a: 1 });
    expect(encoded.encoding).toBe('json');
    expect(encoded.bytes.toString()).toBe('{"a":1}');
    expect(encoded.sizeBytes).toBe(7);
    expect(encoded.digest).toBe(sha256Hex(Buffer.from('{"a":1}')));
    expect(encoded.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('round-trips every supported type', async () => {
    const value = {
      date: new Date(123),
      big: -(2n ** 70n),
      nums: [NaN, -0, Infinity],
      // eslint-disable-next-line no-sparse-arrays
      slots: [undefined, , 1],
      buf: Buffer.from('b'),
      u8: new Uint8Array([1]),
      map: new Map([[new Date(1), new Set([1n])]]),
      user: { $xcom: 'Date', v: 'not a tag' },
    };
    const back = (await roundTrip(codec, value)) as typeof value;
    expect(back).toStrictEqual(value);
    expect(Buffer.isBuffer(back.buf)).toBe(true);
    expect(Buffer.isBuffer(back.u8)).toBe(false);
    expect(Object.is(back.nums[1], -0)).toBe(true);
  });

  it('stores a top-level Buffer or Uint8Array as raw bytes and reads back a Buffer', async () => {
    const bytes = Buffer.from('raw binary value');
    const encoded = await codec.encode(bytes);
    expect(encoded.encoding).toBe('bytes');
    expect(encoded.bytes.equals(bytes)).toBe(true);
    expect(encoded.bytes).not.toBe(bytes); // a copy, safe from later mutation by the caller
    expect(encoded.sizeBytes).toBe(bytes.length);
    const u8 = new Uint8Array([5, 6, 7]);
    const back = (await roundTrip(codec, u8)) as Buffer;
    expect(Buffer.isBuffer(back)).toBe(true);
    expect([...back]).toEqual([5, 6, 7]);
  });

  it('does not base64 large binary values and compresses them when that pays', async () => {
    const zeros = Buffer.alloc(100_000);
    const encoded = await codec.encode(zeros);
    expect(encoded.encoding).toBe('bytes+gzip');
    expect(encoded.sizeBytes).toBe(100_000);
    expect(encoded.bytes.length).toBeLessThan(1_000);
    expect((await codec.decode(encoded.bytes, encoded.encoding, encoded.digest)) as Buffer).toStrictEqual(zeros);
  });

  it('keeps random bytes uncompressed, small or large', async () => {
    for (const size of [4096, 3 * 1024 * 1024]) {
      const encoded = await codec.encode(randomBytes(size));
      expect(encoded.encoding).toBe('bytes');
      expect(encoded.bytes.length).toBe(size);
    }
  });

  it('compresses compressible JSON at or above the threshold only', async () => {
    const small = createValueCodec({ compressAboveBytes: 10_000 });
    const below = await small.encode('x'.repeat(9_997)); // 9,999 bytes with the quotes
    expect(below.encoding).toBe('json');
    const at = await small.encode('x'.repeat(9_998));
    expect(at.sizeBytes).toBe(10_000);
    expect(at.encoding).toBe('json+gzip');
    expect(at.bytes.length).toBeLessThan(at.sizeBytes);
  });

  it('keeps compression only when strictly smaller', async () => {
    const eager = createValueCodec({ compressAboveBytes: 0 });
    const encoded = await eager.encode('ab'); // gzip's header alone is larger
    expect(encoded.encoding).toBe('json');
    expect(encoded.bytes.toString()).toBe('"ab"');
  });

  it('supports brotli and no compression', async () => {
    const value = compressibleRows(50_000);
    const br = createValueCodec({ compression: 'br' });
    const encoded = await br.encode(value, location);
    expect(encoded.encoding).toBe('json+br');
    expect(await br.decode(encoded.bytes, encoded.encoding, encoded.digest)).toStrictEqual(value);
    const none = await createValueCodec({ compression: 'none' }).encode(value);
    expect(none.encoding).toBe('json');
    expect(none.digest).toBe(encoded.digest);
    // Any codec reads any encoding: the encoding travels with the entry.
    expect(await codec.decode(encoded.bytes, encoded.encoding, encoded.digest)).toStrictEqual(value);
  });

  it('rejects tampered stored bytes with both digests and the location', async () => {
    const encoded = await codec.encode({ total: 100 }, location);
    const tampered = Buffer.from(encoded.bytes.toString().replace('100', '999'));
    const attempt = codec.decode(tampered, encoded.encoding, encoded.digest, location);
    await expect(attempt).rejects.toThrow(XComIntegrityError);
    await expect(attempt).rejects.toThrow(encoded.digest);
    await expect(attempt).rejects.toThrow(sha256Hex(tampered));
    await expect(attempt).rejects.toThrow(/key 'report' of task 'load' \(map index 2\) in dag 'etl', run 'r1'/);
  });

  it('rejects corrupt compressed bytes as an integrity error', async () => {
    const encoded = await codec.encode(compressibleRows(10_000));
    expect(encoded.encoding).toBe('json+gzip');
    const corrupt = Buffer.from(encoded.bytes);
    const at = corrupt.length - 20;
    corrupt.writeUInt8(corrupt.readUInt8(at) ^ 0xff, at);
    await expect(codec.decode(corrupt, encoded.encoding, encoded.digest, location)).rejects.toThrow(XComIntegrityError);
  });

  it('rejects an unknown encoding by name', async () => {
    const encoded = await codec.encode(1);
    await expect(codec.decode(encoded.bytes, 'yaml+zstd', encoded.digest, location)).rejects.toThrow(
      /Unknown XCom value encoding "yaml\+zstd"/,
    );
    await expect(codec.decode(encoded.bytes, 'json+zstd', encoded.digest)).rejects.toThrow(XComIntegrityError);
  });

  it('reports unserializable values with the location', async () => {
    const attempt = codec.encode({ rows: [{ fn: () => 0 }] }, location);
    await expect(attempt).rejects.toThrow(XComSerializationError);
    await expect(attempt).rejects.toThrow(/task 'load' \(map index 2\).*\$\.rows\[0\]\.fn/);
  });

  it('validates its options', () => {
    expect(() => createValueCodec({ compression: 'zstd' as 'gzip' })).toThrow(XComConfigError);
    expect(() => createValueCodec({ compressAboveBytes: -1 })).toThrow(XComConfigError);
    expect(() => createValueCodec({ compressAboveBytes: 1.5 })).toThrow(XComConfigError);
  });

  it('round-trips a 20 MB value', async () => {
    const value = compressibleRows(20_000_000);
    const encoded = await codec.encode(value, location);
    expect(encoded.sizeBytes).toBeGreaterThan(20_000_000);
    expect(encoded.encoding).toBe('json+gzip');
    expect(encoded.bytes.length).toBeLessThan(encoded.sizeBytes / 4);
    const back = (await codec.decode(encoded.bytes, encoded.encoding, encoded.digest, location)) as typeof value;
    expect(back.rows).toHaveLength(value.rows.length);
    expect(back).toStrictEqual(value);
  });
});

describe('parseEncoding', () => {
  it.each([
    ['json', { format: 'json' }],
    ['bytes', { format: 'bytes' }],
    ['json+gzip', { format: 'json', compression: 'gzip' }],
    ['bytes+br', { format: 'bytes', compression: 'br' }],
  ])('parses %s', (encoding, expected) => {
    expect(parseEncoding(encoding)).toStrictEqual(expected);
  });

  it.each(['', 'xml', 'json+', 'json+gzip+br', 'gzip', 'JSON', 'json+zstd'])('rejects %j', (encoding) => {
    expect(() => parseEncoding(encoding)).toThrow(XComIntegrityError);
  });
});

describe('compression', () => {
  it.each(['gzip', 'br'] as const)('%s round-trips bytes', async (algorithm) => {
    const input = Buffer.from('abc'.repeat(1000));
    const packed = await compress(input, algorithm);
    expect(packed.length).toBeLessThan(input.length);
    expect((await decompress(packed, algorithm)).equals(input)).toBe(true);
  });

  it('skips large inputs whose sample does not shrink, without compressing the rest', async () => {
    // Random where the sample looks (start, thirds, end), zeros elsewhere: the full input would shrink a lot.
    const size = 2 * 1024 * 1024;
    const input = Buffer.alloc(size);
    const slice = 16 * 1024;
    const stride = Math.floor((size - slice) / 3);
    for (let i = 0; i < 4; i++) randomBytes(slice).copy(input, i * stride);
    expect((await compress(input, 'gzip')).length).toBeLessThan(size / 2);
    const result = await compressIfSmaller(input, { algorithm: 'gzip', compressAboveBytes: 1024 });
    expect(result.compression).toBeUndefined();
    expect(result.bytes).toBe(input);
  });

  it('compresses large inputs whose sample shrinks', async () => {
    const input = Buffer.from('{"k":"v"},'.repeat(200_000));
    const result = await compressIfSmaller(input, { algorithm: 'br', compressAboveBytes: 1024 });
    expect(result.compression).toBe('br');
    expect(result.bytes.length).toBeLessThan(input.length / 10);
  });
});
