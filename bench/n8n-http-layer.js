'use strict';
// Bench-only, run with the Node binary of the installed n8n. The requests of a bench job sent
// through n8n's own outbound HTTP layer (@n8n/backend-network's OutboundHttp, which
// this.helpers.httpRequest ends in), outside any workflow: no node, no parameters, no credential,
// never more than `concurrency` in flight. What n8n's HTTP layer alone costs on this machine.
// - items: one GET /conversations/{id} per id in the ids file (case 2);
// - transcripts: list pages of 200 one after another, each page's details fetched while the next
//   page is listed, pages first in line (case 1, our node's plan).
// Usage: node n8n-http-layer.js <n8n node_modules> <base URL> <API key> <concurrency> <items|transcripts> [ids JSON file]
const [modules, baseUrl, apiKey, concurrencyText, plan, idsFile] = process.argv.slice(2);
const { readFileSync } = require('fs');
const { join } = require('path');

require(join(modules, 'reflect-metadata'));
const { Container } = require(join(modules, '@n8n/di'));
const { OutboundHttp } = require(join(modules, '@n8n/backend-network'));

const requests = Container.get(OutboundHttp).requests();
const concurrency = Number(concurrencyText);
let inFlight = 0;
const waiting = [];

async function get(path, first = false) {
	while (inFlight >= concurrency)
		await new Promise((resolve) => (first ? waiting.unshift(resolve) : waiting.push(resolve)));
	inFlight++;
	try {
		return await requests.request({
			method: 'GET',
			url: `${baseUrl}/api/v1${path}`,
			headers: { Authorization: `Bearer ${apiKey}` },
			json: true,
		});
	} finally {
		inFlight--;
		waiting.shift()?.();
	}
}

async function items() {
	const ids = JSON.parse(readFileSync(idsFile, 'utf8'));
	const details = await Promise.all(ids.map((id) => get(`/conversations/${id}`)));
	return details.filter((detail, index) => detail && detail.id === ids[index]).length;
}

async function transcripts() {
	const details = [];
	let beforeId = null;
	do {
		const page = await get(
			`/conversations?limit=200${beforeId === null ? '' : `&before_id=${beforeId}`}`,
			true,
		);
		for (const { id } of page.conversations) details.push(get(`/conversations/${id}`));
		beforeId = page.conversations.length === 0 ? null : page.next_before_id;
	} while (beforeId !== null);
	return (await Promise.all(details)).filter((detail) => Array.isArray(detail.transcript)).length;
}

async function main() {
	const cpu = process.cpuUsage();
	const started = performance.now();
	const count = plan === 'transcripts' ? await transcripts() : await items();
	const ms = performance.now() - started;
	const used = process.cpuUsage(cpu);
	process.stdout.write(
		JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, items: count }),
	);
}

main().catch((error) => {
	process.stderr.write(String(error && error.stack ? error.stack : error));
	process.exit(1);
});
