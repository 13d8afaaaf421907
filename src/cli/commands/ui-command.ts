import type { Command } from 'commander';
import { startUiServer } from '../../ui/ui-server';
import { maskFromEnv, noMask } from '../../ui/masking';
import { temporalLinks } from '../../ui/temporal-links';
import { integerArg } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';

interface UiOptions {
  readonly host: string;
  readonly port: number;
  readonly allowDownload?: boolean;
  readonly mask: boolean;
}

export function registerUi(program: Command, io: CliIo): void {
  program
    .command('ui')
    .summary('a read-only web page of DAGs, runs, task instances and XComs')
    .description(
      'serve a read-only web page (and its JSON API under /api) of the store: DAGs, runs, task instances with their ' +
        'ledger, and bounded previews of values (large values are read in part, never whole). TEMPORAL_UI_URL (and ' +
        'TEMPORAL_NAMESPACE, default "default") adds links to the Temporal Web UI. Stops on Ctrl-C.',
    )
    .option('--host <address>', 'address to listen on (anything but loopback exposes the store to the network)', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', integerArg('--port', 0, 65535), 8080)
    .option('--allow-download', 'serve full values for download (loads the whole value; off by default)')
    .option('--no-mask', "show values under sensitive key names (Airflow's list: password, token, secret, …, and XCOM_SENSITIVE_NAMES)")
    .action(
      withStore(io, async ({ store }, options: UiOptions) => {
        const temporalUi = io.env.TEMPORAL_UI_URL;
        const server = await startUiServer(store, {
          host: options.host,
          port: options.port,
          allowDownload: options.allowDownload ?? false,
          mask: options.mask ? maskFromEnv(io.env) : noMask,
          temporal: temporalUi ? temporalLinks(temporalUi, io.env.TEMPORAL_NAMESPACE || 'default') : undefined,
        });
        io.err(`xcom ui: serving ${server.url} (read-only${options.allowDownload ? ', downloads on' : ''}); Ctrl-C stops\n`);
        await untilSignalled();
        await server.close();
      }),
    );
}

/** Resolves on the first SIGINT or SIGTERM, so the store closes before the process exits. */
function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
