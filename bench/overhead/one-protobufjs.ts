// Imported first by bench/overhead.ts, before any @temporalio module loads.
import Module from 'node:module';
import { dirname, sep } from 'node:path';

/**
 * With npm, `@temporalio/{common,proto,worker}@1.24.0` each get a private copy of protobufjs 8 (the top level holds
 * protobufjs 7 for @grpc/proto-loader). External Storage then fails on its first offloaded payload: common's
 * `protojson.toJson` checks `instanceof Type` against its own copy, while the ExternalStorageReference message comes
 * from @temporalio/proto's copy ("TypeError: type must be a Type"). This bench-only shim makes every @temporalio
 * package load @temporalio/proto's copy, so External Storage can be measured at all. Nothing under src/ uses it.
 */
export function useOneProtobufjs(): void {
  const protoDir = dirname(require.resolve('@temporalio/proto/package.json'));
  // The SDK packages' own files only (not the 1.22 copies nested under the External Storage driver).
  const sdkDirs = ['common', 'worker', 'client'].map((name) => dirname(require.resolve(`@temporalio/${name}/package.json`)) + sep);
  const fromSdk = (file: string | undefined) =>
    file !== undefined && sdkDirs.some((dir) => file.startsWith(dir) && !file.startsWith(`${dir}node_modules${sep}`));
  const loader = Module as unknown as { _resolveFilename: (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string };
  const original = loader._resolveFilename;
  loader._resolveFilename = function (request, parent, ...rest) {
    if ((request === 'protobufjs' || request.startsWith('protobufjs/')) && fromSdk(parent?.filename)) {
      return require.resolve(request, { paths: [protoDir] });
    }
    return original.call(this, request, parent, ...rest);
  };
}

/** Whether @temporalio/common can encode an External Storage reference in a fresh process (no shim). */
export const REFERENCE_ENCODING_CHECK = `
const proto = require('@temporalio/proto');
const { ProtobufJsonPayloadConverter } = require('@temporalio/common/lib/converter/protobuf-payload-converters');
const ref = proto.temporal.api.sdk.v1.ExternalStorageReference.create({ driverName: 'check', claimData: { k: 'v' } });
try { new ProtobufJsonPayloadConverter(proto).toPayload(ref); console.log('ok'); } catch (e) { console.log('fails: ' + e.message); }`;
