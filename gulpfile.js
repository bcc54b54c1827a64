const { src, dest, task } = require('gulp');

// tsc emits only JavaScript; n8n reads the icons and the codex files (*.node.json) from dist/ too.
task('build:icons', () =>
	src(
		[
			'nodes/**/*.{png,svg}',
			'nodes/**/*.node.json',
			'credentials/**/*.{png,svg}',
			'icons/**/*.{png,svg}',
		],
		{
			base: '.',
			encoding: false,
		},
	).pipe(dest('dist')),
);
