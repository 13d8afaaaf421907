import { createCipheriv, randomBytes } from 'node:crypto';
import { DataKeys } from '../../src/codec/data-keys';
import { envelopeAad, openEnvelope, sealEnvelope } from '../../src/codec/envelope';

const kek = { id: 'k1', key: randomBytes(32) };
const aad = (n: number) => envelopeAad('json', String(n).padStart(64, '0'));

/** A version 1 envelope as earlier releases wrote it: a data key per value, its wrap bound to the value's aad. */
function sealVersion1(plain: Buffer, bind: Buffer): Buffer {
  const dataKey = randomBytes(32);
  const wrapIv = randomBytes(12);
  const wrap = createCipheriv('aes-256-gcm', kek.key, wrapIv).setAAD(bind);
  const wrapped = Buffer.concat([wrap.update(dataKey), wrap.final()]);
  const iv = randomBytes(12);
  const seal = createCipheriv('aes-256-gcm', dataKey, iv).setAAD(bind);
  const body = Buffer.concat([seal.update(plain), seal.final()]);
  return Buffer.concat([Buffer.of(1), wrapIv, wrapped, wrap.getAuthTag(), iv, body, seal.getAuthTag()]);
}

describe('envelopes with reused data keys', () => {
  test('values sealed one after another share a wrapped data key, each under its own IV, and each opens', async () => {
    const a = await sealEnvelope(Buffer.from('first'), kek, aad(1));
    const b = await sealEnvelope(Buffer.from('second'), kek, aad(2));
    expect(a[0]).toBe(2);
    expect(a.subarray(1, 61)).toEqual(b.subarray(1, 61)); // wrap IV | wrapped key | wrap tag
    expect(a.subarray(61, 73)).not.toEqual(b.subarray(61, 73)); // the value's IV
    expect((await openEnvelope(a, kek, aad(1))).toString()).toBe('first');
    expect((await openEnvelope(b, kek, aad(2))).toString()).toBe('second');
  });

  test('a body stays bound to its own encoding and digest: moved under another, or swapped between envelopes, it fails', async () => {
    const a = await sealEnvelope(Buffer.from('first'), kek, aad(1));
    const b = await sealEnvelope(Buffer.from('second!'), kek, aad(2));
    await expect(openEnvelope(a, kek, aad(2))).rejects.toThrow();
    const swapped = Buffer.concat([a.subarray(0, 73), b.subarray(73)]);
    await expect(openEnvelope(swapped, kek, aad(1))).rejects.toThrow();
    await expect(openEnvelope(a, { id: 'k1', key: randomBytes(32) }, aad(1))).rejects.toThrow();
  });

  test('version 1 envelopes written before still open, and still fail under another aad', async () => {
    const old = sealVersion1(Buffer.from('from an earlier release'), aad(7));
    expect((await openEnvelope(old, kek, aad(7))).toString()).toBe('from an earlier release');
    await expect(openEnvelope(old, kek, aad(8))).rejects.toThrow();
  });

  test('a data key is replaced after its uses or its age, whichever comes first', () => {
    let now = 0;
    const keys = new DataKeys({ maxUses: 3, maxAgeMs: 1000, openCacheSize: 2 }, () => now);
    const first = keys.nextSealing(kek).dataKey;
    expect([keys.nextSealing(kek).dataKey, keys.nextSealing(kek).dataKey]).toEqual([first, first]);
    const second = keys.nextSealing(kek).dataKey;
    expect(second.wrapped).not.toEqual(first.wrapped);
    now = 1000;
    expect(keys.nextSealing(kek).dataKey.wrapped).not.toEqual(second.wrapped);
    // Opening unwraps once per wrapped key; a changed wrap is refused.
    expect(keys.forOpening(kek, first.wrapped)).toEqual(first.key);
    const changed = Buffer.from(first.wrapped);
    changed.writeUInt8(changed.readUInt8(20) ^ 1, 20);
    expect(() => keys.forOpening(kek, changed)).toThrow();
  });
});
