// Imported first by bench/overhead.ts: decides how @temporalio loads protobufjs before any of it is loaded.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REFERENCE_ENCODING_CHECK, useOneProtobufjs } from './one-protobufjs';

/** `--as-installed`: measure External Storage exactly as npm installed it, without the protobufjs shim. */
export const AS_INSTALLED = process.argv.includes('--as-installed');

/** Whether External Storage can encode its reference payload with the SDK as installed (checked in a child process). */
export const EXTERNAL_STORAGE_AS_INSTALLED: string = (() => {
  try {
    return execFileSync(process.execPath, ['-e', REFERENCE_ENCODING_CHECK], { cwd: join(__dirname, '..', '..'), encoding: 'utf8' }).trim();
  } catch (err) {
    return `check failed: ${(err as Error).message}`;
  }
})();

if (!AS_INSTALLED) useOneProtobufjs();
