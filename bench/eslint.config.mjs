// Tooling keeps the rules of test/ (see test/eslint.config.mjs); bench/out/ holds what a run writes.
import testConfig from '../test/eslint.config.mjs';

export default [{ ignores: ['out/'] }, ...testConfig];
