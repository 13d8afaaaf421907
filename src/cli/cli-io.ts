/** What a CLI run reads and writes: injected so that the program can be built without touching the process. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Whether a person can answer a question: standard input and standard error are both terminals. */
  readonly interactive: boolean;
  /** Standard error when it is a terminal (for progress), else undefined. */
  readonly terminal: { readonly write: (text: string) => void; readonly columns: () => number } | undefined;
}
