import { createCipheriv, randomBytes } from 'node:crypto';
import { DataKeys, MAX_USES_PER_DATA_KEY } from '../../src/codec/data-keys';
import { envelopeAad, openEnvelope, sealEnvelope } from '../../src/codec/envelope';

const kek = { id: 'k1', key: randomBytes(32) };
const limits = (maxUses: number) => ({ maxUses, maxAgeMs: 60_000, openCacheSize: 8 });

/** IV | wrapped key, as hex: what must never repeat (one data key, one IV). */
const sealingId = (s: { dataKey: { wrapped: Buffer }; iv: Buffer }) => `${s.dataKey.wrapped.toString('hex')}|${s.iv.toString('hex')}`;

describe('IVs of values sealed with a reused data key', () => {
  test('no IV repeats under one data key across many values and several data keys', () => {
    const keys = new DataKeys(limits(1000));
    const seen = new Set<string>();
    const ivs = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const sealing = keys.nextSealing(kek);
      seen.add(sealingId(sealing));
      ivs.add(sealing.iv.toString('hex'));
    }
    expect(seen.size).toBe(100_000);
    expect([...ivs].every((iv) => iv.length === 24)).toBe(true);
    // 100 data keys, each with its own random prefix: even across keys no IV came twice.
    expect(ivs.size).toBe(100_000);
  });

  test('an IV is the data key\'s prefix and its use number, counting from 1', () => {
    const keys = new DataKeys(limits(5));
    const sealings = Array.from({ length: 5 }, () => keys.nextSealing(kek));
    const prefix = sealings[0]!.iv.subarray(0, 8);
    sealings.forEach((s, i) => {
      expect(s.dataKey).toBe(sealings[0]!.dataKey);
      expect(s.iv.subarray(0, 8)).toEqual(prefix);
      expect(s.iv.readUInt32BE(8)).toBe(i + 1);
    });
  });

  test('when a data key\'s uses run out a new data key (and prefix) is made and the count starts again', () => {
    const keys = new DataKeys(limits(3));
    const first = [keys.nextSealing(kek), keys.nextSealing(kek), keys.nextSealing(kek)];
    const next = keys.nextSealing(kek);
    expect(next.dataKey).not.toBe(first[0]!.dataKey);
    expect(next.dataKey.wrapped).not.toEqual(first[0]!.dataKey.wrapped);
    expect(next.dataKey.key).not.toEqual(first[0]!.dataKey.key);
    expect(next.iv.readUInt32BE(8)).toBe(1);
    expect(next.iv.subarray(0, 8)).not.toEqual(first[0]!.iv.subarray(0, 8));
  });

  test('a use bound the 4-byte counter cannot hold is refused', () => {
    expect(() => new DataKeys(limits(MAX_USES_PER_DATA_KEY + 1))).toThrow(/maxUses .* from 1 to 4294967295/);
    expect(() => new DataKeys(limits(0))).toThrow(/maxUses/);
    expect(() => new DataKeys(limits(MAX_USES_PER_DATA_KEY))).not.toThrow();
  });

  test('envelopes sealed one after another carry distinct IVs and each opens with its own aad only', async () => {
    const aad = (n: number) => envelopeAad('json', String(n).padStart(64, '0'));
    const sealed = await Promise.all(Array.from({ length: 2000 }, (_, i) => sealEnvelope(Buffer.from(`value ${i}`), kek, aad(i))));
    expect(new Set(sealed.map((e) => e.subarray(1, 73).toString('hex'))).size).toBe(2000);
    for (const [i, envelope] of sealed.entries()) expect((await openEnvelope(envelope, kek, aad(i))).toString()).toBe(`value ${i}`);
    await expect(openEnvelope(sealed[0]!, kek, aad(1))).rejects.toThrow();
  });

  test('a large value (sealed in slices) round-trips into one buffer of the envelope\'s size', async () => {
    const plain = randomBytes(9 * 1024 * 1024 + 5);
    const aad = envelopeAad('bytes', 'ab'.repeat(32));
    const sealed = await sealEnvelope(plain, kek, aad);
    expect(sealed).toHaveLength(plain.length + 1 + 60 + 12 + 16);
    expect((await openEnvelope(sealed, kek, aad)).equals(plain)).toBe(true);
  });

  test('version 2 envelopes written with a random IV (earlier releases) still open', async () => {
    const keys = new DataKeys(limits(10));
    const { dataKey } = keys.nextSealing(kek);
    const aad = envelopeAad('json', 'cd'.repeat(32));
    const iv = randomBytes(12);
    const seal = createCipheriv('aes-256-gcm', dataKey.key, iv).setAAD(aad);
    const body = Buffer.concat([seal.update('from an earlier release'), seal.final()]);
    const old = Buffer.concat([Buffer.of(2), dataKey.wrapped, iv, body, seal.getAuthTag()]);
    expect((await openEnvelope(old, kek, aad)).toString()).toBe('from an earlier release');
  });

  test('opening alternating data keys gives each its own key; a changed wrap is refused after a hit', () => {
    const a = new DataKeys(limits(1)).nextSealing(kek).dataKey;
    const b = new DataKeys(limits(1)).nextSealing(kek).dataKey;
    const keys = new DataKeys(limits(1));
    for (let i = 0; i < 3; i++) {
      expect(keys.forOpening(kek, a.wrapped)).toEqual(a.key);
      expect(keys.forOpening(kek, b.wrapped)).toEqual(b.key);
    }
    const reused = Buffer.from(a.wrapped);
    expect(keys.forOpening(kek, reused)).toEqual(a.key);
    reused.writeUInt8(reused.readUInt8(30) ^ 1, 30); // the caller changes its buffer after a read
    expect(() => keys.forOpening(kek, reused)).toThrow();
    expect(() => keys.forOpening({ id: 'k2', key: kek.key }, a.wrapped)).toThrow();
  });
});
