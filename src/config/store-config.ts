import path from 'node:path';
import { DEFAULT_SCHEMA } from '../migrations/schema-name';
import { DEFAULT_INLINE_THRESHOLD_BYTES, DEFAULT_MAX_VALUE_BYTES } from '../store/limits';
import { DEFAULT_OBJECT_GRACE_MS } from '../store/object-sweeper';
import { assertRetention, type Retention } from '../store/retention/retention-class';
import {
  ENCRYPTION_KEYS_SETTING,
  READ_PLAINTEXT_SETTING,
  parseEncryptionKeys,
  type EncryptionKeyring,
} from '../codec/encryption-keys';
import { envBoolean, envBytes, envChoice, envDuration, envString, type Env } from './env-values';

/** Where the XCom store keeps rows and objects, as plain data (from options or the environment). */
export interface StoreConfig {
  readonly database: { readonly kind: 'postgres'; readonly connectionString: string } | { readonly kind: 'pglite'; readonly dataDir: string };
  readonly objects:
    | {
        readonly kind: 's3';
        readonly bucket: string;
        readonly prefix?: string;
        readonly endpoint?: string;
        readonly region?: string;
        readonly forcePathStyle?: boolean;
        readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
      }
    | { readonly kind: 'directory'; readonly directory: string };
  readonly schema: string;
  readonly inlineThresholdBytes: number;
  readonly maxValueBytes: number;
  readonly compression: 'gzip' | 'br' | 'none';
  /** The object sweeper removes unreferenced objects untouched this long (longer than any upload-to-commit window). */
  readonly objectGraceMs?: number;
  /** How long entries live unless a task or push says otherwise: 'run', 'forever' or a duration. @default 'run' */
  readonly retention?: Retention;
  /** Encrypt values at rest with these keys (newest first); unset: values are stored as written. */
  readonly encryption?: EncryptionKeyring;
}

/** Every environment variable the store reads, with what it does (the CLI's and the worker's `--help`). */
export const STORE_ENV_VARS: readonly (readonly [name: string, meaning: string])[] = [
  ['DATABASE_URL', 'Postgres server for XCom rows (postgres://user@host:port/db); unset: embedded PGlite'],
  ['XCOM_DATA_DIR', 'embedded store directory (PGlite data and the object directory); default ./.xcom'],
  ['XCOM_SCHEMA', `SQL schema for the tables; default ${DEFAULT_SCHEMA}`],
  ['S3_BUCKET', 'S3 bucket for large values; S3 is used when this or S3_ENDPOINT is set (default bucket xcom)'],
  ['S3_ENDPOINT', 'S3-compatible endpoint, e.g. http://127.0.0.1:9000 for MinIO'],
  ['S3_REGION', 'S3 region; default us-east-1'],
  ['S3_PREFIX', 'key prefix inside the bucket'],
  ['S3_ACCESS_KEY_ID', 'S3 credentials (else the AWS default credential chain)'],
  ['S3_SECRET_ACCESS_KEY', 'S3 credentials'],
  ['S3_FORCE_PATH_STYLE', 'path-style S3 URLs (true for MinIO; default true when S3_ENDPOINT is set)'],
  ['XCOM_INLINE_THRESHOLD_BYTES', `values this size or larger go to the object store; default ${DEFAULT_INLINE_THRESHOLD_BYTES}`],
  ['XCOM_MAX_VALUE_BYTES', `values larger than this fail; default ${DEFAULT_MAX_VALUE_BYTES}`],
  ['XCOM_COMPRESSION', 'gzip, br or none; default gzip (kept only when it shrinks the value)'],
  ['XCOM_OBJECT_GRACE', 'the object sweeper leaves unreferenced objects younger than this; default 6h'],
  ['XCOM_RETENTION', "how long XComs live unless a task says otherwise: run, forever or a duration; default run"],
  [ENCRYPTION_KEYS_SETTING, 'encrypt values at rest: id:base64key[,id:base64key...], newest first (openssl rand -base64 32)'],
  [READ_PLAINTEXT_SETTING, 'with encryption on, still read values stored before it was turned on; default false'],
];

/** Reads the store configuration from environment variables (see `STORE_ENV_VARS`). */
export function storeConfigFromEnv(env: Env = process.env, cwd = process.cwd()): StoreConfig {
  const dataDir = path.resolve(cwd, envString(env, 'XCOM_DATA_DIR') ?? '.xcom');
  const databaseUrl = envString(env, 'DATABASE_URL');
  const endpoint = envString(env, 'S3_ENDPOINT');
  const bucket = envString(env, 'S3_BUCKET');
  const accessKeyId = envString(env, 'S3_ACCESS_KEY_ID');
  const secretAccessKey = envString(env, 'S3_SECRET_ACCESS_KEY');
  return {
    database: databaseUrl ? { kind: 'postgres', connectionString: databaseUrl } : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    objects:
      endpoint || bucket
        ? {
            kind: 's3',
            bucket: bucket ?? 'xcom',
            prefix: envString(env, 'S3_PREFIX'),
            endpoint,
            region: envString(env, 'S3_REGION') ?? 'us-east-1',
            forcePathStyle: envBoolean(env, 'S3_FORCE_PATH_STYLE', endpoint !== undefined),
            credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
          }
        : { kind: 'directory', directory: path.join(dataDir, 'objects') },
    schema: envString(env, 'XCOM_SCHEMA') ?? DEFAULT_SCHEMA,
    inlineThresholdBytes: envBytes(env, 'XCOM_INLINE_THRESHOLD_BYTES', DEFAULT_INLINE_THRESHOLD_BYTES),
    maxValueBytes: envBytes(env, 'XCOM_MAX_VALUE_BYTES', DEFAULT_MAX_VALUE_BYTES),
    compression: envChoice(env, 'XCOM_COMPRESSION', ['gzip', 'br', 'none'] as const, 'gzip'),
    objectGraceMs: envDuration(env, 'XCOM_OBJECT_GRACE', DEFAULT_OBJECT_GRACE_MS),
    retention: envRetention(env),
    encryption: envEncryption(env),
  };
}

function envRetention(env: Env): Retention {
  const raw = envString(env, 'XCOM_RETENTION') ?? 'run';
  assertRetention('XCOM_RETENTION', raw);
  return raw;
}

function envEncryption(env: Env): EncryptionKeyring | undefined {
  const keys = envString(env, ENCRYPTION_KEYS_SETTING);
  if (keys === undefined) return undefined;
  return parseEncryptionKeys(keys, { readPlaintext: envBoolean(env, READ_PLAINTEXT_SETTING, false) });
}
