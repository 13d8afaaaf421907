import path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';
import { NODE_ENTRY_IN_WORKFLOW_MESSAGE } from '../common/node-entry-message';

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

/** This package's root: the compiled check runs from dist/src/worker, the source one (tests, tsx) from src/worker. */
const srcDir = path.join(__dirname, '..');
const packageRoot = path.basename(path.dirname(srcDir)) === 'dist' ? path.dirname(path.dirname(srcDir)) : path.dirname(srcDir);

/** The Node entry and the guard bundlers get for it (exports' browser condition), as source or built JavaScript. */
const NODE_ENTRY_FILES = new Set(
  [path.join(packageRoot, 'src'), path.join(packageRoot, 'dist', 'src')].flatMap((dir) =>
    ['index', 'node-entry-guard'].flatMap((name) => ['.ts', '.js'].map((ext) => path.join(dir, name + ext))),
  ),
);

/** The part of webpack's compiler this check uses. */
interface DoneHookCompiler {
  hooks: { done: { tap(name: string, fn: (stats: { compilation: { modules: Iterable<ModuleLike> } }) => void): void } };
}
interface ModuleLike {
  nameForCondition(): string | null;
}

/**
 * Fails the workflow bundle with one clear message when workflow code imports the Node entry, instead of the
 * webpack errors its Node-only dependencies cause. Thrown from webpack's `done` hook, it becomes the error
 * `bundleWorkflowCode` (and `Worker.create`) reject with.
 */
class NodeEntryCheck {
  apply(compiler: DoneHookCompiler): void {
    compiler.hooks.done.tap('temporal-xcom/node-entry-check', ({ compilation }) => {
      for (const module of compilation.modules) {
        const file = module.nameForCondition();
        if (file !== null && NODE_ENTRY_FILES.has(file)) {
          throw new Error(NODE_ENTRY_IN_WORKFLOW_MESSAGE);
        }
      }
    });
  }
}

/** Adds the check to the bundler's webpack configuration, after any hook already configured. */
export function withNodeEntryCheck(options: BundleOptions): BundleOptions {
  const previous = options.webpackConfigHook;
  return {
    ...options,
    webpackConfigHook: (config: WebpackConfig) => {
      const configured = previous ? previous(config) : config;
      return { ...configured, plugins: [...(configured.plugins ?? []), new NodeEntryCheck()] };
    },
  };
}
