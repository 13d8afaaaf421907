import type { PGlite } from '@electric-sql/pglite';
import type { SessionGate } from './pglite-session-gate';

/**
 * Feeds the Postgres protocol messages of many socket connections into PGlite's single session.
 *
 * It replaces pglite-socket 0.2.17's own QueryQueueManager, which switches connections between any two messages
 * unless a `BEGIN` block is open. A parameterised query is several messages (Parse, Bind, Describe, Execute, Sync);
 * when they arrive in more than one TCP read (a large parameter), another connection's Parse lands in between and
 * the first connection's Bind runs the other's statement: silently wrong rows. It also never kept this process's
 * own queries out of a connection's transaction. Here a connection holds the session (through the SessionGate this
 * process's engine also uses) from its first message until PGlite answers ReadyForQuery "idle": the end of a
 * statement outside a transaction, or of the transaction.
 *
 * Implements the three methods PGLiteSocketHandler calls on its `queryQueue`.
 */
export class SocketSessionQueue {
  /** Per connection, the last message's promise: one connection's messages run in order. */
  private readonly chains = new Map<number, Promise<unknown>>();
  private readonly gone = new Set<number>();
  private readonly resets = new Map<number, Promise<void>>();

  constructor(
    private readonly db: PGlite,
    private readonly gate: SessionGate,
  ) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    const previous = this.chains.get(handlerId) ?? Promise.resolve();
    const result = previous.then(() => this.run(handlerId, message, onData));
    this.chains.set(handlerId, result.catch(() => undefined));
    return result;
  }

  /** The connection went away: refuse its waiting messages. */
  clearQueueForHandler(handlerId: number): void {
    this.gone.add(handlerId);
    this.gate.withdraw(handlerId, new Error(`socket connection #${handlerId} closed`));
  }

  /** The connection went away: end whatever it left open in the session, then let the next holder in. */
  clearTransactionIfNeeded(handlerId: number): Promise<void> {
    let reset = this.resets.get(handlerId);
    if (!reset) {
      reset = this.reset(handlerId);
      this.resets.set(handlerId, reset);
    }
    return reset;
  }

  private async run(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    if (this.gone.has(handlerId)) throw new Error(`socket connection #${handlerId} closed`);
    await this.gate.acquire(handlerId);
    let bytes = 0;
    let tail: Uint8Array = new Uint8Array(0);
    await this.db.runExclusive(() =>
      this.db.execProtocolRawStream(message, {
        onRawData: (data) => {
          bytes += data.length;
          tail = lastBytes(tail, data, READY_FOR_QUERY_LENGTH);
          onData(data);
        },
      }),
    );
    if (endsIdle(tail)) this.gate.release(handlerId);
    return bytes;
  }

  private async reset(handlerId: number): Promise<void> {
    this.clearQueueForHandler(handlerId);
    await this.chains.get(handlerId); // the message PGlite may be running for it right now
    try {
      if (this.gate.current !== handlerId) return;
      // Sync ends a half-sent extended query (harmless when idle); ROLLBACK ends an open transaction.
      await this.db.runExclusive(() => this.db.execProtocolRaw(SYNC));
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    } finally {
      this.gate.release(handlerId);
      this.chains.delete(handlerId);
      this.gone.delete(handlerId);
      this.resets.delete(handlerId);
    }
  }
}

/** ReadyForQuery: 'Z', int32 length 5, status byte ('I' idle, 'T' in transaction, 'E' failed transaction). */
const READY_FOR_QUERY_LENGTH = 6;
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

function endsIdle(tail: Uint8Array): boolean {
  return (
    tail.length === READY_FOR_QUERY_LENGTH &&
    tail[0] === 0x5a && // 'Z'
    tail[1] === 0 &&
    tail[2] === 0 &&
    tail[3] === 0 &&
    tail[4] === 5 &&
    tail[5] === 0x49 // 'I'
  );
}

function lastBytes(previous: Uint8Array, next: Uint8Array, count: number): Uint8Array {
  if (next.length >= count) return next.slice(next.length - count);
  const joined = new Uint8Array(previous.length + next.length);
  joined.set(previous);
  joined.set(next, previous.length);
  return joined.slice(Math.max(0, joined.length - count));
}
