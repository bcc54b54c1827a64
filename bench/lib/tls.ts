/**
 * A throw-away certificate authority and a server certificate for 127.0.0.1, made with openssl at
 * run time, for the sandbox's HTTPS mode. n8n trusts the CA through NODE_EXTRA_CA_CERTS, the
 * reference client through its own `ca`.
 */
import { execFileSync } from 'child_process';
import { join } from 'path';
import { writeFileSync } from 'fs';

export interface TlsFiles {
	caFile: string;
	keyFile: string;
	certFile: string;
}

export function makeCertificates(dir: string): TlsFiles {
	const file = (name: string) => join(dir, name);
	const openssl = (args: string[]) =>
		execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
	openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('ca.key')]);
	openssl([
		'req',
		'-x509',
		'-new',
		'-key',
		file('ca.key'),
		'-sha256',
		'-days',
		'2',
		'-subj',
		'/CN=RingReady bench CA',
		'-out',
		file('ca.pem'),
	]);
	openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('server.key')]);
	openssl([
		'req',
		'-new',
		'-key',
		file('server.key'),
		'-subj',
		'/CN=127.0.0.1',
		'-out',
		file('server.csr'),
	]);
	writeFileSync(
		file('server.ext'),
		'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n',
	);
	openssl([
		'x509',
		'-req',
		'-in',
		file('server.csr'),
		'-CA',
		file('ca.pem'),
		'-CAkey',
		file('ca.key'),
		'-CAcreateserial',
		'-days',
		'2',
		'-sha256',
		'-extfile',
		file('server.ext'),
		'-out',
		file('server.pem'),
	]);
	return { caFile: file('ca.pem'), keyFile: file('server.key'), certFile: file('server.pem') };
}
