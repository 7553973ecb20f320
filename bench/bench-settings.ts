// Settings shared by every benchmark scenario (from `npm run bench -- --flag value`).

export interface BenchSettings {
  /** Closed-loop keep-alive connections, the same for the ceiling and OpenTPS. */
  readonly connections: number;
  readonly durationMs: number;
  readonly warmUpMs: number;
  /** CWMs registered for the push and pull scenarios. */
  readonly devices: number;
}
