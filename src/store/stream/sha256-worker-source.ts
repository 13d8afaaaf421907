/**
 * The SHA-256 worker thread's code, run with `eval: true`: an inline string needs no path to a `.js` file, so it
 * works alike from `src` under tsx or jest and from the compiled `dist` of an installed package.
 *
 * Messages in: `{ job, kind: 'update', buffer, length }` (an ArrayBuffer transferred here; its first `length` bytes
 * are hashed, then it is transferred back as `{ job, kind: 'free', buffer }` for reuse), `{ job, kind: 'digest' }`
 * (answered by `{ job, kind: 'digest', hex }`) and `{ job, kind: 'drop' }` (a reader that stopped early). Jobs are
 * independent: one worker hashes every stream the process reads.
 */
export const SHA256_WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
const hashOf = (job) => {
  let hash = hashes.get(job);
  if (hash === undefined) hashes.set(job, (hash = createHash('sha256')));
  return hash;
};
parentPort.on('message', (message) => {
  const { job, kind } = message;
  if (kind === 'update') {
    hashOf(job).update(new Uint8Array(message.buffer, 0, message.length));
    parentPort.postMessage({ job, kind: 'free', buffer: message.buffer }, [message.buffer]);
  } else if (kind === 'digest') {
    const hex = hashOf(job).digest('hex');
    hashes.delete(job);
    parentPort.postMessage({ job, kind: 'digest', hex });
  } else if (kind === 'drop') {
    hashes.delete(job);
  }
});
`;
