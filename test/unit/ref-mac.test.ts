import { randomBytes } from 'node:crypto';
import { entryRef } from '../../src/common/xcom-ref';
import { refMacProblem, signRef } from '../../src/security/ref-mac';
import { parseSigningKeys, signingKeys } from '../../src/security/signing-key';

const ref = entryRef({ dagId: 'etl', runId: 'r1', taskId: 'extract', mapIndex: -1, key: 'return_value', sizeBytes: 10, digest: 'ab'.repeat(32) });
const keys = signingKeys([{ id: 'k1', secret: randomBytes(32) }], 'test');

describe('ref MACs', () => {
  it('a signed ref verifies; the MAC and key id travel in the ref', () => {
    const signed = signRef(keys, ref);
    expect(signed).toMatchObject({ ...ref, keyId: 'k1', mac: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(refMacProblem(keys, signed)).toBeUndefined();
  });

  it.each([
    ['dagId', { dagId: 'payroll' }],
    ['runId', { runId: 'r2' }],
    ['taskId', { taskId: 'load' }],
    ['mapIndex', { mapIndex: 0 }],
    ['key', { key: 'other' }],
    ['sizeBytes', { sizeBytes: 11 }],
    ['digest', { digest: 'cd'.repeat(32) }],
    ['length', { length: 3 }],
  ])('changing %s after signing is detected', (_field, change) => {
    expect(refMacProblem(keys, { ...signRef(keys, ref), ...change })).toMatch(/does not match/);
  });

  it('names a missing MAC, an unknown key id and a MAC that is cut short', () => {
    expect(refMacProblem(keys, ref)).toMatch(/carries no MAC/);
    const other = signRef(signingKeys([{ id: 'k9', secret: randomBytes(32) }], 'test'), ref);
    expect(refMacProblem(keys, other)).toMatch(/signed with key 'k9', which this worker does not hold \(keys: k1\)/);
    const signed = signRef(keys, ref);
    expect(refMacProblem(keys, { ...signed, mac: signed.mac!.slice(0, 10) })).toMatch(/does not match/);
  });

  it('re-signing replaces the MAC of another key', () => {
    const rotated = signingKeys([{ id: 'k2', secret: randomBytes(32) }, { id: 'k1', secret: keys.get('k1')!.secret }], 'test');
    const resigned = signRef(rotated, signRef(keys, ref));
    expect(resigned.keyId).toBe('k2');
    expect(refMacProblem(rotated, resigned)).toBeUndefined();
    expect(refMacProblem(rotated, signRef(keys, ref))).toBeUndefined();
  });
});

describe('XCOM_SIGNING_KEY', () => {
  const secret = 'x'.repeat(32);

  it('lists keys newest first: the first signs, all verify', () => {
    const parsed = parseSigningKeys(` k2:${secret}y , k1:${secret} `);
    expect(parsed.current.id).toBe('k2');
    expect(parsed.ids).toEqual(['k2', 'k1']);
  });

  it.each([
    ['an entry without an id', secret, /entry 1 must be <key id>:<secret>/],
    ['a short secret', 'k1:short', /secret of key 'k1' has 5 bytes; it needs at least 32/],
    ['a bad id', `k 1:${secret}`, /key id "k 1" must be 1-32 letters/],
    ['an id listed twice', `k1:${secret},k1:${secret}`, /key id 'k1' is listed twice/],
    ['nothing', ' , ', /no signing key given/],
  ])('refuses %s, naming the variable', (_what, text, message) => {
    expect(() => parseSigningKeys(text)).toThrow(message);
    expect(() => parseSigningKeys(text)).toThrow(/XCOM_SIGNING_KEY/);
  });
});
