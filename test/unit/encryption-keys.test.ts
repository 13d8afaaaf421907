import { parseEncryptionKeys } from '../../src/codec/encryption-keys';
import { formatEncoding, parseEncoding } from '../../src/codec/encoding';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('XCOM_ENCRYPTION_KEYS', () => {
  test('newest first: the first key seals, every key opens', () => {
    const ring = parseEncryptionKeys(` k2:${KEY} , k1:${KEY}`);
    expect(ring.current.id).toBe('k2');
    expect(ring.ids).toEqual(['k2', 'k1']);
    expect(ring.byId('k1')?.key).toEqual(Buffer.alloc(32, 7));
    expect(ring.readPlaintext).toBe(false);
  });

  test.each([
    ['', 'XCOM_ENCRYPTION_KEYS holds no key'],
    [`k1${KEY}`, "key 1 is not 'id:base64key'"],
    [`k1:${KEY},k2:not base64!`, "key 2 ('k2') is not base64"],
    [`k1:${Buffer.alloc(16).toString('base64')}`, "key 1 ('k1') is 16 bytes; AES-256 needs 32"],
    [`k.1:${KEY}`, 'key 1 has the id "k.1"'],
    [`k1:${KEY},k1:${KEY}`, "key 2: the id 'k1' appears twice"],
  ])('%j is refused: %s', (text, message) => {
    expect(() => parseEncryptionKeys(text)).toThrow(message);
  });

  test('a refusal never prints key material', () => {
    const secret = Buffer.alloc(31, 9).toString('base64');
    expect(() => parseEncryptionKeys(`k1:${secret}`)).toThrow(expect.objectContaining({ message: expect.not.stringContaining(secret) }));
  });
});

describe('encodings with encryption', () => {
  test.each([
    ['json', { format: 'json' }],
    ['bytes+gzip', { format: 'bytes', compression: 'gzip' }],
    ['json+aes256gcm.k1', { format: 'json', encryptionKeyId: 'k1' }],
    ['json+br+aes256gcm.key_2024-01', { format: 'json', compression: 'br', encryptionKeyId: 'key_2024-01' }],
  ])('%s round-trips', (encoding, parsed) => {
    expect(parseEncoding(encoding)).toEqual(parsed);
    const p = parseEncoding(encoding);
    expect(formatEncoding(p.format, p.compression, p.encryptionKeyId)).toBe(encoding);
  });

  test.each(['json+aes256gcm.k1+gzip', 'json+gzip+br', 'json+aes256gcm.', 'json+aes128gcm.k1', 'xml'])('%s is unknown', (encoding) => {
    expect(() => parseEncoding(encoding)).toThrow('Unknown XCom value encoding');
  });
});
