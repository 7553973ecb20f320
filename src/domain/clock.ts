// Time as the domain sees it: injected so that tests control expiry and leases without sleeping.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

/** The real wall clock. */
export function createSystemClock(): Clock {
  return { nowMs: () => Date.now() };
}
