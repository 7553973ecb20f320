// Where a CLI command writes: injected so tests capture output without spawning a process.

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
}
