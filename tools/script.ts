/**
 * What long-running test scripts share: `cleanups` run last first on success, failure and Ctrl-C; the
 * settings run.sh passes (`run_checks` in tools/lib.sh); the process groups it stops; the API key scan.
 */
import { execFileSync } from 'child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

/** A variable the script's run.sh sets; without it the script was started some other way: says so and exits 2. */
export function requiredEnv(name: string, runSh: string): string {
	const value = process.env[name];
	if (!value) {
		process.stderr.write(`${name} is not set; run this through ${runSh}\n`);
		process.exit(2);
	}
	return value;
}

/** Writes each n8n process group into `file`, which run.sh stops on exit even when the script was killed. */
export function pidRecorder(file: string | undefined): (pid: number | undefined) => void {
	return (pid) => {
		if (file && pid) appendFileSync(file, `${pid}\n`);
	};
}

/** Each output that contains one of the secrets: "<what> contains <shown(secret)>…", once each. */
export function secretLeaks(
	outputs: ReadonlyArray<{ what: string; text: string }>,
	secrets: readonly string[],
	shown: (secret: string) => string,
): string[] {
	const leaks = new Set<string>();
	for (const { what, text } of outputs) {
		for (const secret of secrets)
			if (text.includes(secret)) leaks.add(`${what} contains ${shown(secret)}…`);
	}
	return [...leaks];
}

export const cleanups: Array<() => Promise<void>> = [];

export async function runCleanups(): Promise<void> {
	while (cleanups.length > 0) {
		const cleanup = cleanups.pop()!;
		await cleanup().catch(() => undefined);
	}
}

/** Runs `main`, stopping everything registered in `cleanups` however it ends. */
export function runScript(main: () => Promise<void>): void {
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.on(signal, () => {
			process.stderr.write(`\n${signal}: stopping n8n and the sandboxes\n`);
			void runCleanups().finally(() => process.exit(130));
		});
	}
	main().catch(async (error: unknown) => {
		process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
		await runCleanups();
		process.exit(1);
	});
}

/** A throw-away CA and a server certificate it signs for `altNames` (`DNS:slack.com`, `IP:127.0.0.1`), made in `dir`. */
export function makeCertificates(dir: string, caName: string, altNames: string[]) {
	mkdirSync(dir, { recursive: true });
	// Every argument but a subject is one word, so each recipe is one line.
	const openssl = (recipe: string, subject?: string) => {
		const args = [...recipe.split(' '), ...(subject ? ['-subj', subject] : [])];
		execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
	};
	const newKey = 'req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';
	const caExtension = 'basicConstraints=critical,CA:TRUE';
	openssl(
		`${newKey} -x509 -days 2 -addext ${caExtension} -keyout ca.key -out ca.pem`,
		`/CN=${caName}`,
	);
	openssl(`${newKey} -keyout key.pem -out server.csr`, `/CN=${altNames[0].replace(/^\w+:/, '')}`);
	const extension = `subjectAltName=${altNames.join(',')}\nextendedKeyUsage=serverAuth\n`;
	writeFileSync(join(dir, 'ext'), extension);
	openssl(
		'x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ext -out cert.pem',
	);
	const read = (name: string) => readFileSync(join(dir, name), 'utf8');
	return { caFile: join(dir, 'ca.pem'), key: read('key.pem'), cert: read('cert.pem') };
}
