/**
 * The `origins` track: where requests may go, in `n8n execute`. A recording on 127.0.0.2; behind a
 * public-looking HTTPS Base URL (through the stand-ins' proxy), recordings on or redirected into this
 * machine's network refused; a timed-out request's connection closed; (2.x) n8n's SSRF protection.
 */
import assert from 'assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { join } from 'path';

import { nodeItems, type RunData } from '../../tools/n8n';
import { recordingAudio, type Sandbox } from '../sandbox';
import type { TrackContext as Context } from './lib/suite';
import { startStandIns } from './lib/stand-ins';
import { credential, locator, op, OUTPUT_VERSION, workflow, type Workflow } from './workflows';

const T = 'origins';
const API_HOST = 'api.ringready.example';
const MEDIA_HOST = 'media.ringready.example';
const LOCAL = { id: 'e2eOriginsLocal1', name: 'RingReady e2e origins (sandbox)' };
const PUBLIC = { id: 'e2eOriginsPublic', name: 'RingReady e2e origins (public name)' };

/** A recording host on 127.0.0.2: serves one MP3 at any path and notes each request. */
async function secondLoopbackHost(ctx: Context) {
	const seen: Array<{ path: string; authorization?: string }> = [];
	const server = createServer((request, response) => {
		seen.push({ path: request.url ?? '', authorization: request.headers.authorization });
		response.writeHead(200, { 'Content-Type': 'audio/mpeg' }).end(recordingAudio(5).bytes);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
	ctx.cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
	return { url: `http://127.0.0.2:${(server.address() as AddressInfo).port}`, seen };
}

/** api.ringready.example: the sandbox's API, relayed (key and all), as a public RingReady would answer. */
function relayTo(sandbox: Sandbox) {
	return (request: IncomingMessage, response: ServerResponse) => {
		void fetch(`${sandbox.url}${request.url ?? '/'}`, {
			method: request.method,
			headers: request.headers.authorization
				? { authorization: request.headers.authorization }
				: {},
		})
			.then(async (answer) => {
				response.writeHead(answer.status, {
					'Content-Type': answer.headers.get('content-type') ?? 'application/json',
				});
				response.end(Buffer.from(await answer.arrayBuffer()));
			})
			.catch(() => response.writeHead(502).end());
	};
}

const local = { credential: LOCAL, typeVersion: OUTPUT_VERSION };

function getRecording(name: string, id: number, ref: { id: string; name: string }) {
	const parameters = { conversationId: locator(id), options: { downloadRecording: true } };
	const options = { credential: ref, continueOnFail: true, typeVersion: OUTPUT_VERSION };
	return op(name, 'conversation', 'get', parameters, options);
}

/** The first item a node output, with its files. */
function firstItem(run: RunData | undefined, node: string) {
	const [item] = nodeItems(run, node);
	assert.ok(item, `node "${node}" output nothing`);
	return item;
}

export async function originsTrack(ctx: Context): Promise<void> {
	const { suite } = ctx;
	const sandbox = await ctx.newSandbox();
	const loopback2 = await secondLoopbackHost(ctx);
	// Calls whose recording is on the sandbox's own origin (127.0.0.1), and three whose recording_url is set here.
	const onApiOrigin = sandbox.control
		.conversations('A')
		.filter((call) => call.recording_url?.startsWith(`${sandbox.url}/recordings/`));
	const [onSandbox, ssrf, slow] = onApiOrigin.map((call) => call.id);
	const [onLoopback2, redirectedLocal, redirectedMetadata] = sandbox.control
		.addConversations({ count: 3, channel: 'phone' })
		.map((call) => call.id);
	const sandboxRecording = (id: number) =>
		sandbox.control.conversations('A').find((call) => call.id === id)!.recording_url!;
	const media = {
		loop: `${sandbox.mediaUrl}/recordings/${redirectedLocal}.mp3`,
		metadata: 'https://169.254.169.254/latest/meta-data/',
	};
	const mediaCalls: string[] = [];
	const standIns = await startStandIns(join(ctx.workDir, 'origins-certs'), {
		[API_HOST]: relayTo(sandbox),
		[MEDIA_HOST]: (request, response) => {
			mediaCalls.push(request.url ?? '');
			const to = request.url === '/r/loop' ? media.loop : media.metadata;
			response.writeHead(302, { Location: to }).end();
		},
	});
	ctx.cleanups.push(() => standIns.close());
	for (const [id, recording_url] of [
		[onLoopback2, `${loopback2.url}/recordings/${onLoopback2}.mp3`],
		[redirectedLocal, `https://${MEDIA_HOST}/r/loop`],
		[redirectedMetadata, `https://${MEDIA_HOST}/r/metadata`],
	] as const)
		sandbox.control.overwriteConversation(id, { recording_url });

	const apiKey = sandbox.keys.readWrite;
	const credentials = [
		credential(LOCAL, 'ringReadyApi', { apiKey, baseUrl: sandbox.url }),
		credential(PUBLIC, 'ringReadyApi', { apiKey, baseUrl: `https://${API_HOST}` }),
	];
	const workflows: Workflow[] = [
		workflow('e2eOriginsFlow', 'e2e recording origins', [
			[getRecording('Second Loopback', onLoopback2, LOCAL)],
			[getRecording('Public: recording on 127.0.0.1', onSandbox, PUBLIC)],
			[getRecording('Public: redirect to 127.0.0.1', redirectedLocal, PUBLIC)],
			[getRecording('Public: redirect to metadata', redirectedMetadata, PUBLIC)],
		]),
		workflow('e2eOriginsSlow', 'e2e request time limit', [
			[op('Slow Conversation', 'conversation', 'get', { conversationId: locator(slow) }, local)],
		]),
		workflow('e2eOriginsSsrf', 'e2e SSRF protection', [
			[getRecording('Redirect to 127.0.0.2', ssrf, LOCAL)],
		]),
	];
	const n8n = await ctx.newN8n('origins', { env: standIns.env });
	await n8n.importCredentials(credentials);
	await n8n.importWorkflows(workflows);

	sandbox.control.clearRequests();
	const result = await n8n.execute('e2eOriginsFlow');
	ctx.outputs.push({ what: 'execute origins', text: `${result.stdout}\n${result.stderr}` });
	const { run } = result;
	const errorOf = (node: string) =>
		firstItem(run, node).json as { error?: string; description?: string };

	await suite.check(
		T,
		'a recording on a second loopback address (127.0.0.2) is downloaded, without the key',
		() => {
			const item = firstItem(run, 'Second Loopback');
			assert.equal(item.json.error, undefined, `failed: ${String(item.json.error)}`);
			assert.ok(item.binary?.data, 'no file in the item');
			assert.deepEqual(loopback2.seen, [
				{ path: `/recordings/${onLoopback2}.mp3`, authorization: undefined },
			]);
			return `${item.binary.data.fileSize ?? '?'} file, 1 request without Authorization`;
		},
	);
	const loopback = '127.0.0.1 is a loopback address (this machine)';
	const never = 'and recordings are not downloaded from this machine or its network';
	const refusals = [
		{
			name: 'public Base URL: a recording_url on 127.0.0.1 is refused and never requested',
			node: 'Public: recording on 127.0.0.1',
			id: onSandbox,
			error: `Refusing to download the recording of conversation ${onSandbox} from http://${new URL(sandboxRecording(onSandbox)).host}: ${loopback}, ${never}`,
			also: (description?: string) =>
				assert.match(String(description), /Nothing was requested from it/),
		},
		{
			name: 'public Base URL: a recording redirected into 127.0.0.1 is refused and never requested',
			node: 'Public: redirect to 127.0.0.1',
			id: redirectedLocal,
			error: `The recording of conversation ${redirectedLocal} was redirected to http://${new URL(media.loop).host}: ${loopback}, ${never}`,
			also: () =>
				assert.deepEqual(
					mediaCalls.filter((path) => path === '/r/loop'),
					['/r/loop'],
				),
		},
		{
			name: 'public Base URL: a recording redirected to 169.254.169.254 is refused and never requested',
			node: 'Public: redirect to metadata',
			id: redirectedMetadata,
			error: `The recording of conversation ${redirectedMetadata} was redirected to https://169.254.169.254: 169.254.169.254 is a link-local address (such as a cloud metadata service), ${never}`,
			also: () =>
				assert.deepEqual(
					standIns.refused.filter((line) => line.includes('169.254')),
					[],
					'a connection to 169.254.169.254 was attempted through the proxy',
				),
		},
	];
	for (const refusal of refusals)
		await suite.check(T, refusal.name, () => {
			const { error, description } = errorOf(refusal.node);
			assert.equal(error, refusal.error);
			refusal.also(description);
			const requested = sandbox.control.recordingRequests();
			assert.deepEqual(
				requested.filter((r) => r.conversation_id === refusal.id),
				[],
			);
			return error;
		});

	// The detail answer trickles (8 bytes a second): the first attempt runs out of its 30 s limit.
	sandbox.control.clearRequests();
	sandbox.control.slowDown({
		path: `/api/v1/conversations/${slow}`,
		trickle: { chunkBytes: 8, everyMs: 1_000 },
	});
	const slowRun = await n8n.execute('e2eOriginsSlow');
	ctx.outputs.push({ what: 'execute slow', text: `${slowRun.stdout}\n${slowRun.stderr}` });
	await suite.check(
		T,
		'a timed-out request is aborted at its limit: its connection closes, the retry comes after',
		() => {
			const out = firstItem(slowRun.run, 'Slow Conversation').json;
			assert.equal(out.id, slow, `no conversation: ${JSON.stringify(out).slice(0, 300)}`);
			const tries = sandbox.control
				.requests()
				.log.filter((r) => r.path === `/api/v1/conversations/${slow}`);
			assert.equal(tries.length, 2, `${tries.length} requests`);
			const [first, second] = tries;
			assert.ok(first.ended_ms !== null, 'the first request is still open');
			const heldMs = first.ended_ms - first.started_ms;
			assert.ok(heldMs >= 29_000 && heldMs <= 32_000, `the first request was open ${heldMs} ms`);
			assert.ok(
				second.started_ms >= first.ended_ms - 50,
				'the retry started while the first was open',
			);
			assert.deepEqual(sandbox.openSockets(), { api: 0, media: 0 });
			return `first request closed after ${(heldMs / 1000).toFixed(1)} s, retried, answered`;
		},
	);

	if (ctx.install.line !== 2) return;
	// n8n's SSRF protection on, the sandbox's own address allowed: 127.0.0.2 stays blocked.
	sandbox.control.recordingAnswer({
		id: ssrf,
		answer: 'redirect',
		location: `${loopback2.url}/recordings/${ssrf}.mp3`,
	});
	const before = loopback2.seen.length;
	const guarded = await ctx.newN8n('origins', {
		encryptionKey: n8n.encryptionKey,
		env: { N8N_SSRF_PROTECTION_ENABLED: 'true', N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32' },
	});
	const ssrfRun = await guarded.execute('e2eOriginsSsrf');
	ctx.outputs.push({ what: 'execute ssrf', text: `${ssrfRun.stdout}\n${ssrfRun.stderr}` });
	await suite.check(
		T,
		'n8n 2.x with N8N_SSRF_PROTECTION_ENABLED=true: a recording redirected to a blocked address is refused, saying why',
		() => {
			const { error, description } = firstItem(ssrfRun.run, 'Redirect to 127.0.0.2').json as {
				error?: string;
				description?: string;
			};
			assert.equal(
				error,
				`Could not download the recording of conversation ${ssrf} from ${loopback2.url}: this n8n's SSRF protection blocks that address`,
			);
			assert.match(String(description), /N8N_SSRF_ALLOWED_IP_RANGES/);
			assert.equal(loopback2.seen.length, before, '127.0.0.2 was requested');
			return error;
		},
	);
}
