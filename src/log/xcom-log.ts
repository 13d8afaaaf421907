/** Where the library's own messages go: Temporal's runtime logger on a worker, the console elsewhere (the CLI). */
export interface XComLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

const consoleLogger: XComLogger = {
  info: (message) => console.info(message),
  warn: (message) => console.warn(message),
};

let current: XComLogger = consoleLogger;

/** The plugin points this at `Runtime.instance().logger` when a worker starts; tests and the CLI may set their own. */
export function setXComLogger(logger: XComLogger | undefined): void {
  current = logger ?? consoleLogger;
}

export function xcomLog(): XComLogger {
  return current;
}
