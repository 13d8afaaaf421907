/**
 * `npm run bench:encryption [-- --quick]`: what encryption at rest adds to a store's writes and reads. Two stores on
 * the same Postgres database and MinIO bucket, the same codec settings, one with `XCOM_ENCRYPTION_KEYS`-style keys:
 * each value is written and read through both in alternating blocks (bench/lib/measure.ts). Target (issue 10):
 * within 1.3× on 1 MiB values. Prints a markdown table; progress goes to stderr.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { createValueCodec } from '../src/codec/value-codec';
import { encryptionKeyring } from '../src/codec/encryption-keys';
import { createPostgresEngine } from '../src/engines/postgres-engine';
import { S3ObjectStore } from '../src/objects/s3-object-store';
import { XComStore } from '../src/store/xcom-store';
import { openBenchEnv, type S3Settings } from './lib/bench-env';
import { compressibleJson, identityFor, inlineValue } from './lib/fixtures';
import { compare, type Comparison } from './lib/measure';
import { describeMachine } from './lib/machine';

const MIB = 1024 * 1024;

interface Case {
  readonly name: string;
  value(i: number): unknown;
  readonly runs: number;
}

function storeFor(databaseUrl: string, s3: S3Settings, side: string, encrypted: boolean): XComStore {
  const keys = encryptionKeyring([{ id: 'bench', key: randomBytes(32) }]);
  return new XComStore({
    engine: createPostgresEngine({ connectionString: databaseUrl }),
    objectStore: new S3ObjectStore({
      bucket: s3.bucket,
      prefix: `${s3.prefix}/${side}`,
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    }),
    codec: createValueCodec(encrypted ? { encryption: keys } : {}),
  });
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const env = await openBenchEnv();
  const plain = storeFor(env.databaseUrl, env.s3, 'plain', false);
  const sealed = storeFor(env.databaseUrl, env.s3, 'sealed', true);
  try {
    const machine = await describeMachine(env.databaseUrl);
    const cases: Case[] = [
      { name: '~1 KB JSON (inline)', value: () => inlineValue(), runs: quick ? 200 : 600 },
      { name: '1 MiB compressible JSON (object store)', value: () => compressibleJson(MIB), runs: quick ? 20 : 60 },
      { name: '1 MiB random bytes (object store)', value: () => randomBytes(MIB), runs: quick ? 20 : 60 },
    ];
    const rows: string[] = [];
    for (const c of cases) {
      process.stderr.write(`[bench] ${c.name}\n`);
      const series = c.name.replace(/\W+/g, '-');
      const write = (store: XComStore, side: string) => async (i: number) => {
        await store.set({ ...identityFor(`${series}-${side}`, i), value: c.value(i), attempt: 1 });
      };
      const read = (store: XComStore, side: string) => async (i: number) => {
        if (!(await store.get(identityFor(`${series}-${side}`, i)))) throw new Error(`${c.name}: read ${i} missed`);
      };
      const options = { warmup: 5, iterations: c.runs, rounds: Math.min(20, c.runs) };
      const set = await compare(write(sealed, 's'), write(plain, 'p'), options);
      const get = await compare(read(sealed, 's'), read(plain, 'p'), options);
      rows.push(row(c.name, 'set', set), row(c.name, 'get', get));
    }
    process.stdout.write(
      [
        '# bench:encryption',
        '',
        ...machine.map((m) => `- ${m}`),
        `- load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
        '',
        '| value | op | encrypted p50 | plain p50 | ratio p50 | ratio mean |',
        '|---|---|---:|---:|---:|---:|',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    await plain.close();
    await sealed.close();
    await env.close();
  }
}

function row(name: string, op: string, c: Comparison): string {
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  return `| ${name} | ${op} | ${ms(c.ours.p50Ms)} | ${ms(c.floor.p50Ms)} | ${(c.ours.p50Ms / c.floor.p50Ms).toFixed(2)}× | ${(c.ours.meanMs / c.floor.meanMs).toFixed(2)}× |`;
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
