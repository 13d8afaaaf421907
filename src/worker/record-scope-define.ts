import type { BundleOptions } from '@temporalio/worker';
import { RECORD_SCOPE_CONSTANT, type RecordScope } from '../common/record-scope';

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

/** The part of webpack's compiler this uses: webpack 5 hands plugins its own classes, so we need no copy of it. */
interface CompilerWithDefine {
  webpack: { DefinePlugin: new (definitions: Record<string, string>) => { apply(compiler: unknown): void } };
}

/**
 * Bakes the plugin's record scope (`recordAll`, `recordWorkflowTypes`) into the workflow bundle: workflow code
 * decides on its own, before it schedules anything, whether an activity gets the XCom task header.
 */
export function withRecordScope(options: BundleOptions, scope: RecordScope): BundleOptions {
  const previous = options.webpackConfigHook;
  const define = {
    apply(compiler: CompilerWithDefine) {
      new compiler.webpack.DefinePlugin({ [RECORD_SCOPE_CONSTANT]: JSON.stringify(scope) }).apply(compiler);
    },
  };
  return {
    ...options,
    webpackConfigHook: (config: WebpackConfig) => {
      const configured = previous ? previous(config) : config;
      return { ...configured, plugins: [...(configured.plugins ?? []), define] };
    },
  };
}
