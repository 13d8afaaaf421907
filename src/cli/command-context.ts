import type { Command } from 'commander';
import { openXComStore } from '../config/open-store';
import type { StoreConfig } from '../config/store-config';
import type { XComStore } from '../store/xcom-store';
import { outputFormatOf, storeConfigOf, type GlobalOptions } from './cli-options';
import type { CliIo } from './cli-io';
import { Output } from './output/output';
import { assertStoreExists } from './store-presence';

/** What a command's body works with: an open store, its configuration, and where its results go. */
export interface CommandContext {
  readonly store: XComStore;
  readonly config: StoreConfig;
  readonly output: Output;
  readonly io: CliIo;
}

/**
 * A commander action that reads the global options, checks the command's own with `validate` (before anything is
 * opened), opens the store (never migrating it: only `xcom migrate` changes the schema), runs `body`, and closes the
 * store whatever happens.
 */
export function withStore<O extends object>(
  io: CliIo,
  body: (ctx: CommandContext, options: O) => Promise<void>,
  validate?: (options: O) => void,
): (options: O, command: Command) => Promise<void> {
  return async (options, command) => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    validate?.(options);
    const output = new Output(outputFormatOf(globals), io.out, io.err);
    const config = storeConfigOf(globals, io.env);
    assertStoreExists(config, globals.create ?? false);
    const store = await openXComStore(config, { migrate: false });
    try {
      await body({ store, config, output, io }, options);
    } finally {
      await store.close();
    }
  };
}
