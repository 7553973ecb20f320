// Coalesces bursts of live events (many message-state or device-seen events at once) into one refetch.

export interface Debounced {
  readonly trigger: () => void;
  readonly cancel: () => void;
}

export function debounce(action: () => void, waitMs: number): Debounced {
  let timer: number | undefined;
  return {
    trigger: () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(action, waitMs);
    },
    cancel: () => window.clearTimeout(timer),
  };
}
