import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { accessPolicyFromEnv } from '../../src/security/access-policy-env';
import { checkedPolicy, grantingRule, matches } from '../../src/security/access-policy';

const subject = { workflowType: 'revenueReport', taskQueue: 'reports', namespace: 'default' };

describe('access policy rules', () => {
  const policy = checkedPolicy(
    {
      rules: [
        { name: 'etl', workflowTypes: ['ordersEtl'], write: ['orders_etl'] },
        { workflowTypes: ['*Report'], taskQueues: ['reports'], read: ['orders_*'] },
        { namespaces: ['finance'], write: ['payroll'] },
      ],
    },
    'test',
  );

  it('a rule applies when every list it gives matches; the first granting rule is named', () => {
    expect(grantingRule(policy, subject, 'read', 'orders_etl')).toEqual({ allowed: true, rule: 'rule 2' });
    expect(grantingRule(policy, { ...subject, taskQueue: 'other' }, 'read', 'orders_etl')).toEqual({ allowed: false });
    expect(grantingRule(policy, subject, 'write', 'orders_etl')).toEqual({ allowed: false });
    expect(grantingRule(policy, { ...subject, workflowType: 'ordersEtl' }, 'write', 'orders_etl')).toEqual({ allowed: true, rule: 'etl' });
  });

  it('a write grant is a read grant too; nothing else is', () => {
    expect(grantingRule(policy, { ...subject, namespace: 'finance' }, 'read', 'payroll')).toEqual({ allowed: true, rule: 'rule 3' });
    expect(grantingRule(policy, subject, 'read', 'payroll')).toEqual({ allowed: false });
  });

  it('patterns: * matches any run of characters, other characters only themselves', () => {
    expect(matches('orders_*', 'orders_etl')).toBe(true);
    expect(matches('orders_*', 'orders')).toBe(false);
    expect(matches('a.b', 'aXb')).toBe(false);
    expect(matches('*', '')).toBe(true);
    expect(matches('payroll', 'payroll2')).toBe(false);
  });

  it.each([
    ['not an object', [], /must be an object like \{ "rules": \[...\] \}/],
    ['an unknown top-level field', { rule: [] }, /unknown field 'rule'/],
    ['rules that are not a list', { rules: {} }, /'rules' must be a list/],
    ['a rule granting nothing', { rules: [{ workflowTypes: ['x'] }] }, /rules\[0\] grants nothing/],
    ['an unknown rule field', { rules: [{ reads: ['x'] }] }, /rules\[0\]: unknown field 'reads'/],
    ['a list with an empty entry', { rules: [{ write: [''] }] }, /rules\[0\].write must be a list of non-empty strings/],
  ])('refuses %s, naming where', (_what, value, message) => {
    expect(() => checkedPolicy(value, 'XCOM_ACCESS_POLICY')).toThrow(message);
  });
});

describe('XCOM_ACCESS_POLICY', () => {
  it('is JSON, or the path of a JSON file; unset means no rules', () => {
    expect(accessPolicyFromEnv({})).toBeUndefined();
    expect(accessPolicyFromEnv({ XCOM_ACCESS_POLICY: '{"rules":[{"read":["a"]}]}' })).toEqual({ rules: [{ read: ['a'] }] });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'xcom-policy-')), 'policy.json');
    writeFileSync(file, '{"rules":[{"write":["b"]}]}');
    expect(accessPolicyFromEnv({ XCOM_ACCESS_POLICY: file })).toEqual({ rules: [{ write: ['b'] }] });
  });

  it('names the variable and the file when it cannot be read or parsed', () => {
    expect(() => accessPolicyFromEnv({ XCOM_ACCESS_POLICY: '/nonexistent/policy.json' })).toThrow(/XCOM_ACCESS_POLICY \(file \/nonexistent\/policy.json\): cannot read the file/);
    expect(() => accessPolicyFromEnv({ XCOM_ACCESS_POLICY: '{"rules": [' })).toThrow(/XCOM_ACCESS_POLICY: not valid JSON/);
  });
});
