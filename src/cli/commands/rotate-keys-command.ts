import type { Command } from 'commander';
import { ENCRYPTION_KEYS_SETTING } from '../../codec/encryption-keys';
import { rotateEncryptionKeys, type RotationProgress } from '../../store/key-rotation/rotate-keys';
import { integerArg } from '../cli-options';
import type { CliIo } from '../cli-io';
import { withStore } from '../command-context';
import { ProgressBar } from '../interactive/progress-bar';
import { UsageError } from '../usage-error';

interface RotateKeysOptions {
  readonly batchSize: number;
  readonly includePlaintext?: boolean;
}

/**
 * `xcom rotate-keys`: reseals every stored value under the first key of XCOM_ENCRYPTION_KEYS (src/store/key-rotation).
 * Progress is a bar on a terminal, a line per batch on stderr otherwise; the summary is the command's result
 * (`--json` for scripts). Safe to interrupt and run again.
 */
export function registerRotateKeys(program: Command, io: CliIo): void {
  program
    .command('rotate-keys')
    .summary('re-encrypt stored values with the newest encryption key')
    .description(
      `seal every stored value (rows and objects) again under the first key of ${ENCRYPTION_KEYS_SETTING}, so older ` +
        'keys can be removed; safe beside running workers, and resumable: interrupted, run it again',
    )
    .option('--batch-size <n>', 'entries per transaction', integerArg('--batch-size', 1, 10_000), 100)
    .option('--include-plaintext', 'also encrypt values stored before encryption was turned on')
    .action(
      withStore(io, async ({ store, config, output }, options: RotateKeysOptions) => {
        const keyring = config.encryption;
        if (!keyring) throw new UsageError(`rotate-keys needs ${ENCRYPTION_KEYS_SETTING} (the new key first, then the old ones)`);
        let bar: ProgressBar | undefined;
        const onProgress = (p: RotationProgress): void => {
          if (io.terminal) {
            bar ??= new ProgressBar(io.terminal, 'rotate-keys', 'entries', p.total);
            bar.update(p.rotated, p.changedMeanwhile > 0 ? `${p.changedMeanwhile} changed meanwhile` : '');
          } else {
            io.err(`xcom rotate-keys: ${p.rotated}/${p.total} entries resealed under '${keyring.current.id}'\n`);
          }
        };
        const result = await rotateEncryptionKeys(store, keyring, {
          batchSize: options.batchSize,
          includePlaintext: options.includePlaintext ?? false,
          onProgress,
        }).finally(() => bar?.finish());
        output.document(result, () => [
          `resealed ${result.rotated} entries under '${result.keyId}' (${result.inline} inline, ${result.objects} objects)` +
            (result.digestKeyWrappedBefore === result.keyId ? '' : `; digest key rewrapped from '${result.digestKeyWrappedBefore}'`),
          ...(result.remaining === 0
            ? ['every value is sealed under it: older keys can be removed once no process writes with them first']
            : [
                `${result.remaining} entries are not sealed under it yet (written meanwhile by a process with an older key first` +
                  `${options.includePlaintext ? '' : ', or stored unencrypted: add --include-plaintext'}); run again`,
              ]),
        ]);
      }),
    );
}
