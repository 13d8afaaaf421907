import { XComConsumedError, XComExclusiveWriterError } from './exclusive-errors';

/** Why `commit_attempts` refused an attempt (sql/000009_exclusive.sql): one JSON object per refused attempt. */
type Refusal =
  | { kind: 'consume'; dagId: string; runId: string; taskId: string; mapIndex: number; key: string }
  | { kind: 'writer'; dagId: string; runId: string; key: string; owner: string; writer: string; declared: boolean };

/** The error a refused attempt fails with; nothing of it was committed. */
export function refusalError(text: string): Error {
  const refusal = JSON.parse(text) as Refusal;
  if (refusal.kind === 'consume') {
    const map = refusal.mapIndex >= 0 ? `[${refusal.mapIndex}]` : '';
    return new XComConsumedError(refusal.key, `of task '${refusal.taskId}${map}' in [dag=${refusal.dagId}, run=${refusal.runId}]`);
  }
  const where = `in [dag=${refusal.dagId}, run=${refusal.runId}]`;
  if (refusal.declared && refusal.owner !== refusal.writer) {
    // This attempt declared itself the owner of a key another task had already written.
    const { key, owner, writer } = refusal;
    return new XComExclusiveWriterError(
      key,
      owner,
      writer,
      where,
      `XCom key '${key}' ${where} cannot become exclusive to task '${writer}': task '${owner}' already wrote it`,
    );
  }
  return new XComExclusiveWriterError(refusal.key, refusal.owner, refusal.writer, where);
}
