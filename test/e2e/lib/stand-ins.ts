/**
 * Local stand-ins for Slack's and HubSpot's APIs, reached the way n8n reaches the real ones.
 *
 * n8n's Slack and HubSpot nodes hard-code their hosts (`https://slack.com/api…`,
 * `https://api.hubapi.com…`) and their credentials have no base URL. What n8n does offer is the
 * standard proxy environment (HTTPS_PROXY, NO_PROXY) and Node's NODE_EXTRA_CA_CERTS, as behind a
 * company proxy. So the stand-ins sit behind an HTTPS proxy on 127.0.0.1: a CONNECT to slack.com:443
 * or api.hubapi.com:443 is answered by a local TLS server whose certificate (for those two names)
 * is signed by a throw-away CA made for this run; anything else (another host, a request not tunnelled)
 * is refused and logged. Nothing leaves the machine.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'http';
import { createServer as createHttpsServer } from 'https';
import type { AddressInfo, Socket } from 'net';
import { text as readText } from 'stream/consumers';

import { makeCertificates } from '../../../tools/script';

export const SLACK_HOST = 'slack.com';
export const HUBSPOT_HOST = 'api.hubapi.com';

export interface StandInCall {
	host: string;
	method: string;
	path: string;
	/** The Authorization header as sent (the tests' own fake tokens). */
	authorization?: string;
	body: unknown;
}

export interface HubspotContact {
	id: string;
	properties: Record<string, string>;
}

function json(response: ServerResponse, status: number, body: unknown): void {
	response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify(body));
}

type Answer = (call: StandInCall, index: number, contacts: HubspotContact[]) => unknown;

/** What the real APIs answer (200 unless said) to the calls the examples make: the fields the nodes read. */
const ANSWERS: Record<string, Answer> = {
	[`POST ${SLACK_HOST}/api/chat.postMessage`]: (call, index) => {
		const ts = `${Math.floor(Date.now() / 1000)}.${String(index).padStart(6, '0')}`;
		const { text } = (call.body ?? {}) as { text?: string };
		return {
			ok: true,
			channel: 'C0CALLS0001',
			ts,
			message: { type: 'message', user: 'U0N8N', text, ts },
		};
	},
	// Filter groups are ORed, the filters in one group ANDed; only EQ, as the example asks.
	[`POST ${HUBSPOT_HOST}/crm/v3/objects/contacts/search`]: (call, _, contacts) => {
		const { filterGroups = [] } = (call.body ?? {}) as {
			filterGroups?: Array<{
				filters?: Array<{ propertyName: string; operator: string; value: unknown }>;
			}>;
		};
		const found = contacts.filter((contact) =>
			filterGroups.some((group) =>
				(group.filters ?? []).every(
					(f) => f.operator === 'EQ' && contact.properties[f.propertyName] === String(f.value),
				),
			),
		);
		return { total: found.length, results: found.slice(0, 1).map(asHubspotObject) };
	},
	[`POST ${HUBSPOT_HOST}/crm/v3/objects/contacts`]: (call, _, contacts) => {
		const { properties = {} } = (call.body ?? {}) as { properties?: Record<string, unknown> };
		const strings = Object.entries(properties).map(([key, value]) => [key, String(value)]);
		return asHubspotObject(addContact(contacts, Object.fromEntries(strings)));
	},
	[`POST ${HUBSPOT_HOST}/engagements/v1/engagements`]: (call, index) => {
		const { associations = {}, metadata = {} } = (call.body ?? {}) as Record<string, unknown>;
		const now = Date.now();
		const engagement = { id: 90_000 + index, portalId: 1, active: true, type: 'CALL' };
		return {
			engagement: { ...engagement, createdAt: now, lastUpdated: now, timestamp: now },
			associations,
			metadata,
		};
	},
};

function answer(call: StandInCall, index: number, contacts: HubspotContact[]) {
	const known = ANSWERS[`${call.method} ${call.host}${call.path}`];
	if (known)
		return {
			status: call.path.endsWith('/contacts') ? 201 : 200,
			body: known(call, index, contacts),
		};
	const body =
		call.host === SLACK_HOST
			? { ok: false, error: 'unknown_method' }
			: { status: 'error', message: `the stand-in has no ${call.method} ${call.path}` };
	return { status: 404, body };
}

function addContact(
	contacts: HubspotContact[],
	properties: Record<string, string>,
): HubspotContact {
	const contact = { id: String(51_000 + contacts.length), properties };
	contacts.push(contact);
	return contact;
}

function asHubspotObject(contact: HubspotContact) {
	const at = new Date().toISOString();
	return { ...contact, createdAt: at, updatedAt: at, archived: false };
}

/** A further HTTPS host behind the same proxy (e.g. a public-looking RingReady), answered by its own handler. */
export type StandInHost = (request: IncomingMessage, response: ServerResponse) => void;

export async function startStandIns(certDir: string, extraHosts: Record<string, StandInHost> = {}) {
	const hosts = [SLACK_HOST, HUBSPOT_HOST, ...Object.keys(extraHosts)];
	const altNames = hosts.map((host) => `DNS:${host}`);
	const { caFile: ca, key, cert } = makeCertificates(certDir, 'RingReady e2e CA', altNames);
	const calls: StandInCall[] = [];
	const refused: string[] = [];
	const contacts: HubspotContact[] = [];
	const sockets = new Set<Socket>();

	const tls = createHttpsServer({ key, cert }, (request, response) => {
		const host = String(request.headers.host ?? '').replace(/:443$/, '');
		if (extraHosts[host]) return extraHosts[host](request, response);
		void readText(request).then((text) => {
			let body: unknown = text;
			try {
				body = text ? JSON.parse(text) : undefined;
			} catch {
				// keep the text
			}
			const path = (request.url ?? '/').split('?')[0];
			const { method = 'GET', headers } = request;
			const call: StandInCall = { host, method, path, authorization: headers.authorization, body };
			calls.push(call);
			const { status, body: reply } = answer(call, calls.length, contacts);
			json(response, status, reply);
		});
	});

	const proxy = createServer((request, response) => {
		refused.push(`${request.method} ${request.url}`);
		json(response, 403, { error: 'the e2e proxy only tunnels to the stand-ins' });
	});
	proxy.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	proxy.on('connect', (request: IncomingMessage, socket: Socket, head: Buffer) => {
		const [host, port] = String(request.url ?? '').split(':');
		if (!hosts.includes(host) || (port ?? '443') !== '443') {
			refused.push(`CONNECT ${request.url}`);
			socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
			return;
		}
		socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
		if (head.length > 0) socket.unshift(head);
		tls.emit('connection', socket);
	});
	await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
	const { port } = proxy.address() as AddressInfo;
	const proxyUrl = `http://127.0.0.1:${port}`;

	return {
		/** For n8n's environment: HTTPS_PROXY, NO_PROXY, NODE_EXTRA_CA_CERTS. */
		env: {
			HTTPS_PROXY: proxyUrl,
			https_proxy: proxyUrl,
			NO_PROXY: '127.0.0.1,localhost',
			no_proxy: '127.0.0.1,localhost',
			NODE_EXTRA_CA_CERTS: ca,
		},
		calls,
		/** What did not go through a tunnel to a stand-in: refused. */
		refused,
		/** HubSpot's contacts: the ones a test added and the ones the workflows created. */
		contacts,
		addContact: (properties: Record<string, string>) => addContact(contacts, properties),
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => proxy.close(() => resolve()));
			tls.close();
		},
	};
}
