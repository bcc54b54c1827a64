const { src, dest, task } = require('gulp');

// tsc emits only JavaScript; n8n loads the node and credential icons from dist/ next to them.
task('build:icons', () =>
	src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}', 'icons/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist')),
);
