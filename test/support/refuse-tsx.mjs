// `node --import ./test/support/refuse-tsx.mjs`: makes any import of tsx fail, in this thread and in every
// worker thread (they inherit the option), so a test proves the compiled build runs without it.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`export async function resolve(specifier, context, next) {
      if (specifier === 'tsx' || specifier.startsWith('tsx/')) throw new Error('tsx imported by the compiled build: ' + specifier);
      return next(specifier, context);
    }`),
);
