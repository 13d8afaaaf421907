/**
 * A writer for stdout or stderr that goes quiet once the reader has gone (`xcom list --json | head -1`): a closed
 * pipe is how a reader says it has enough, not a failure of the command, so it must not crash with EPIPE.
 */
export function guardedWriter(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (!closed && err.code !== 'EPIPE') process.exitCode = 1;
    closed = true;
  });
  return (text) => {
    if (!closed && !stream.destroyed) stream.write(text);
  };
}
