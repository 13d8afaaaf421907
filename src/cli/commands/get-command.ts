import { RETURN_VALUE_KEY } from '../../store/identity';
import type { XComStore } from '../../store/xcom-store';
import type { CliOptions } from '../cli-options';
import { previewValue } from '../preview';
import { UsageError } from '../usage-error';

export async function getCommand(store: XComStore, options: CliOptions, out: (line: string) => void): Promise<void> {
  const missing = (['dag', 'run', 'task'] as const).filter((flag) => options[flag] === undefined);
  if (missing.length) throw new UsageError(`xcom get needs ${missing.map((m) => `--${m}`).join(', ')}`);
  const identity = {
    dagId: options.dag!,
    runId: options.run!,
    taskId: options.task!,
    mapIndex: options.mapIndex ?? -1,
    key: options.key ?? RETURN_VALUE_KEY,
  };
  const record = await store.get(identity);
  if (!record) {
    throw new Error(
      `no XCom for dag=${identity.dagId} run=${identity.runId} task=${identity.taskId} map_index=${identity.mapIndex} key=${identity.key}`,
    );
  }
  const { value, ...meta } = record;
  if (options.json) return out(JSON.stringify(meta));
  out(`${meta.dagId} / ${meta.runId} / ${meta.taskId}${meta.mapIndex >= 0 ? `[${meta.mapIndex}]` : ''} : ${meta.key}`);
  out(`attempt ${meta.attempt}, ${meta.sizeBytes} bytes (${meta.encoding}, ${meta.objectKey === null ? 'inline' : `object ${meta.objectKey}`}), sha256 ${meta.digest}`);
  out(`written ${meta.updatedAt.toISOString()}${meta.logicalDate ? `, logical date ${meta.logicalDate.toISOString()}` : ''}`);
  out(previewValue(value, options.maxChars, options.full));
}
