// Entry of the store thread (sqlite-store-thread.ts): a worker thread does not inherit the main thread's
// TypeScript loader, so it registers tsx (as bin/opentps.mjs does) before loading the store.
import { register } from 'tsx/esm/api';

register();
await import('./sqlite-store-thread-main.ts');
