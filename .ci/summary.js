// Prints jest's totals as the plain "N passed, N failed" line CI reads.
const results = require(require('path').resolve(process.argv[2]));
const skipped = results.numPendingTests + results.numTodoTests;
console.log(
	`jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
if (results.numTotalTests === 0) process.exit(1);
