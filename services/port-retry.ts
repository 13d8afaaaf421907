/** A server that lost the race for the free port it was given (another process bound it first). */
export class PortTakenError extends Error {}

const PORT_ATTEMPTS = 3;

/** Starts a server on fresh free ports, again when the ports were taken between picking and binding. */
export async function startWithFreshPorts<T>(startOnce: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      if (attempt >= PORT_ATTEMPTS || !(error instanceof PortTakenError)) throw error;
    }
  }
}

/** The child's failure as a PortTakenError when its output says the port was in use. */
export function portTakenOr(error: Error, outputTail: string): Error {
  return /already in use/i.test(outputTail) ? new PortTakenError(error.message) : error;
}
