// A small value's digest, seal and open run at once (no promise per step); a large one still goes in yielding slices.
// Both give the same bytes and fail the same way; parsed encodings are shared, frozen, and errors are never kept.
import { createHmac, randomBytes } from 'node:crypto';
import { hmacDigest } from '../../src/codec/digest-key';
import { parseEncoding } from '../../src/codec/encoding';
import { envelopeAad, openEnvelope, openEnvelopeMaybeSync, sealEnvelopeMaybeSync } from '../../src/codec/envelope';

const kek = { id: 'k1', key: randomBytes(32) };
const aad = envelopeAad('json+aes256gcm.k1+digest.store', 'ab'.repeat(32));
const LARGE = 9 * 1024 * 1024;
const flip = (bytes: Buffer, at: number) => bytes.writeUInt8(bytes.readUInt8(at) ^ 1, at);

test('a small value is sealed, opened and digested at once; a large one through promises, to the same result', async () => {
  const small = randomBytes(1000);
  const sealed = sealEnvelopeMaybeSync(small, kek, aad);
  expect(Buffer.isBuffer(sealed)).toBe(true);
  expect(openEnvelopeMaybeSync(sealed as Buffer, kek, aad)).toEqual(small);
  const key = randomBytes(32);
  expect(hmacDigest(small, key)).toBe(createHmac('sha256', key).update(small).digest('hex'));

  const large = randomBytes(LARGE);
  const pending = sealEnvelopeMaybeSync(large, kek, aad);
  expect(pending).toBeInstanceOf(Promise);
  const sealedLarge = await pending;
  const opening = openEnvelopeMaybeSync(sealedLarge, kek, aad);
  expect(opening).toBeInstanceOf(Promise);
  expect((await opening).equals(large)).toBe(true);
  const digest = hmacDigest(large, key);
  expect(digest).toBeInstanceOf(Promise);
  expect(await digest).toBe(createHmac('sha256', key).update(large).digest('hex'));
});

test('a tampered small envelope throws at once, a large one rejects, and openEnvelope always rejects', async () => {
  const sealed = sealEnvelopeMaybeSync(randomBytes(1000), kek, aad) as Buffer;
  flip(sealed, sealed.length - 20);
  expect(() => openEnvelopeMaybeSync(sealed, kek, aad)).toThrow('unable to authenticate');
  await expect(openEnvelope(sealed, kek, aad)).rejects.toThrow('unable to authenticate');
  const large = await sealEnvelopeMaybeSync(randomBytes(LARGE), kek, aad);
  flip(large, 100);
  await expect(openEnvelopeMaybeSync(large, kek, aad)).rejects.toThrow('unable to authenticate');
});

test('parsed encodings are shared and frozen; an unknown encoding throws every time', () => {
  const encoding = 'json+gzip+aes256gcm.k1+digest.store';
  const first = parseEncoding(encoding);
  expect(parseEncoding(encoding)).toBe(first);
  expect(Object.isFrozen(first)).toBe(true);
  expect(first).toEqual({ format: 'json', compression: 'gzip', encryptionKeyId: 'k1', digestOrigin: 'store' });
  for (let i = 0; i < 2; i++) expect(() => parseEncoding('json+zstd')).toThrow('Unknown XCom value encoding');
  // Many distinct encodings (more than are kept) still parse right.
  for (let i = 0; i < 600; i++) expect(parseEncoding(`bytes+aes256gcm.key${i}`).encryptionKeyId).toBe(`key${i}`);
});
