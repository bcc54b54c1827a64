// Tooling keeps the rules of test/ (see test/eslint.config.mjs).
export { default } from '../test/eslint.config.mjs';
