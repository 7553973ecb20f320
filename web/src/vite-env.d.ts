// Lets TypeScript accept the CSS imports that Vite bundles.
/// <reference types="vite/client" />
