import { createServer, type Server } from 'node:net';

/**
 * `count` distinct loopback TCP ports that were free a moment ago (the OS picks them; the caller binds them soon
 * after). All are held open until every one is chosen: asked one after another, the OS may hand back a port it has
 * just released, and a server given one port twice (say, gRPC and metrics) dies at start.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      server.unref();
      servers.push(server);
      ports.push(await listenOnAnyPort(server));
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

function listenOnAnyPort(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error(`freePorts: unexpected listen address ${String(address)}`));
      else resolve(address.port);
    });
  });
}
