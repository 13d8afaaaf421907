import { Client, escapeIdentifier, type ClientConfig } from 'pg';

type Callback = (payload: string) => void;

const RECONNECT_MS = 1000;

/**
 * LISTEN on one dedicated connection (outside any pool, so a listener never holds a pooled connection), shared by
 * every caller of one engine. If the connection drops it reconnects, listens again, and calls every callback with
 * `''`: notifications sent meanwhile are lost, so listeners must re-check what they wait for.
 */
export class PgListener {
  readonly #config: ClientConfig;
  readonly #callbacks = new Map<string, Set<Callback>>();
  #client: Promise<Client> | undefined;
  /** The connected client, while it is the one in use. */
  #current: Client | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(config: ClientConfig) {
    this.#config = { ...config, application_name: 'temporal-xcom-listen' };
  }

  async listen(channel: string, callback: Callback): Promise<() => Promise<void>> {
    let callbacks = this.#callbacks.get(channel);
    const first = callbacks === undefined;
    if (!callbacks) this.#callbacks.set(channel, (callbacks = new Set()));
    callbacks.add(callback);
    try {
      const client = await this.#connected();
      if (first) await client.query(`listen ${escapeIdentifier(channel)}`);
    } catch (err) {
      await this.#remove(channel, callback);
      throw err;
    }
    return () => this.#remove(channel, callback);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#callbacks.clear();
    await this.#disconnect();
  }

  async #remove(channel: string, callback: Callback): Promise<void> {
    const callbacks = this.#callbacks.get(channel);
    if (!callbacks?.delete(callback) || callbacks.size > 0) return;
    this.#callbacks.delete(channel);
    const client = await this.#client?.catch(() => undefined);
    await client?.query(`unlisten ${escapeIdentifier(channel)}`).catch(() => undefined);
    if (this.#callbacks.size === 0) await this.#disconnect();
  }

  #connected(): Promise<Client> {
    this.#client ??= this.#connect();
    return this.#client;
  }

  async #connect(): Promise<Client> {
    const client = new Client(this.#config);
    client.on('notification', (message) => {
      for (const callback of this.#callbacks.get(message.channel) ?? []) callback(message.payload ?? '');
    });
    const lost = () => this.#lost(client);
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
    } catch (err) {
      this.#client = undefined;
      throw err;
    }
    this.#current = client;
    return client;
  }

  #lost(client: Client): void {
    if (this.#current !== client) return;
    this.#current = undefined;
    this.#client = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#callbacks.size === 0 || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#relisten();
    }, RECONNECT_MS);
    this.#retry.unref();
  }

  async #relisten(): Promise<void> {
    try {
      const client = await this.#connected();
      for (const channel of this.#callbacks.keys()) await client.query(`listen ${escapeIdentifier(channel)}`);
      for (const callbacks of this.#callbacks.values()) for (const callback of callbacks) callback('');
    } catch {
      this.#client = undefined;
      this.#scheduleReconnect();
    }
  }

  async #disconnect(): Promise<void> {
    clearTimeout(this.#retry);
    this.#retry = undefined;
    const pending = this.#client;
    this.#client = undefined;
    this.#current = undefined;
    const client = await pending?.catch(() => undefined);
    if (client) {
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
