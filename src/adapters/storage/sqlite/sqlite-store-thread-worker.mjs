// Entry of the store thread (sqlite-store-thread.ts). In the compiled build (dist/) it loads the emitted
// JavaScript. Run from the sources (tests, `npm run dev`), a worker thread does not inherit the main
// thread's TypeScript loader, so it registers tsx (a devDependency, absent from dist's path) first.
import { existsSync } from 'node:fs';

const source = new URL('./sqlite-store-thread-main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('./sqlite-store-thread-main.js');
}
