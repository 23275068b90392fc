/** Replaced at build time by Vite (vite.config.mts `define`): the version in package.json. */
declare const __APP_VERSION__: string;
