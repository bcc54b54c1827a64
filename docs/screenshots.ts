/**
 * npm run screenshots — README pictures from the real n8n editor.
 *
 * Starts the `npm run dev` environment in a throw-away user folder (sandbox, real n8n 2.x with this
 * package, the "RingReady Sandbox" credential and the examples), drives Debian's headless Chromium
 * with playwright-core, and writes docs/*.png:
 *   workflow-improve.png     the "improve the receptionist" example workflow
 *   node-operations.png      the RingReady node's actions in the node panel
 *   node-conversations.png   the RingReady node: Get Many conversations with transcripts
 *   trigger.png              the RingReady Trigger's parameters
 * Needs /usr/bin/chromium (apt-get install -y chromium) or CHROMIUM_PATH.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { chromium, type Page } from 'playwright-core';

import { ROOT, startDevEnvironment, type DevEnvironment } from '../scripts/dev-env';

const OUT = join(ROOT, 'docs');
const VIEWPORT = { width: 1280, height: 760 };
const log = (message: string) => process.stdout.write(`[screenshots] ${message}\n`);

async function shot(page: Page, name: string): Promise<void> {
	const file = join(OUT, name);
	await page.screenshot({ path: file });
	log(`${name} (${Math.round(statSync(file).size / 1024)} kB)`);
}

async function openWorkflow(page: Page, baseUrl: string, id: string): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${id}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor();
	await page.waitForTimeout(2500);
}

/** n8n opens a node's details from the URL /workflow/<workflow id>/<node id>. */
async function openNode(page: Page, baseUrl: string, workflowId: string, nodeId: string): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${workflowId}/${nodeId}`);
	await page.locator('[data-test-id="ndv"], .ndv-wrapper, [data-test-id="node-parameters"]').first().waitFor();
	await page.waitForTimeout(2500);
}

/** Clicks the open node's "Execute step" / "Fetch Test Event" and shows its output as JSON. */
async function runInNdv(page: Page): Promise<void> {
	await page.locator('[data-test-id="node-execute-button"]').first().click();
	const output = page.locator('[data-test-id="output-panel"], [data-test-id="ndv-output-panel"]').first();
	try {
		await output.getByText('JSON', { exact: true }).first().click({ timeout: 30_000 });
		await output.getByText('"id"').first().waitFor({ timeout: 10_000 });
	} catch {
		log('WARNING: could not switch the output to JSON');
	}
	// let the "Node executed successfully" toast go away
	await page.waitForTimeout(5000);
}

async function main(): Promise<void> {
	const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
	if (!existsSync(executablePath)) throw new Error(`${executablePath} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
	const userFolder = mkdtempSync(join(tmpdir(), 'ringready-screenshots-'));
	let env: DevEnvironment | undefined;
	const browser = await chromium.launch({
		executablePath,
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-dev-shm-usage',
		],
	});
	try {
		env = await startDevEnvironment({ userFolder, n8nPort: 0, sandboxPort: 0, log });
		const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, colorScheme: 'light' });
		const page = await context.newPage();
		page.setDefaultTimeout(30_000);

		log('signing in');
		await page.goto(`${env.baseUrl}/signin`);
		await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(env.login.email);
		await page.locator('input[type="password"]').first().fill(env.login.password);
		await page.locator('[data-test-id="form-submit-button"], button[type="submit"]').first().click();
		await page.waitForURL((url) => !url.pathname.includes('signin'));
		await page.waitForTimeout(1500);

		// 1. an example workflow on the canvas
		await openWorkflow(page, env.baseUrl, 'rrExampleImprove');
		await shot(page, 'workflow-improve.png');

		// 2. the node's actions in the node panel ("What happens next?" → search RingReady → RingReady)
		await openWorkflow(page, env.baseUrl, 'rrExampleSlack01');
		await page.locator('[data-test-id="node-creator-plus-button"]').click();
		await page.waitForTimeout(800);
		await page.locator('[data-test-id="node-creator-search-bar"] input, input[placeholder*="Search"]').first().fill('RingReady');
		await page.waitForTimeout(1500);
		const app = page.locator('[data-test-id="node-creator-item-name"]').filter({ hasText: /^RingReady$/ });
		if ((await app.count()) > 0) {
			await app.first().click();
			await page.waitForTimeout(1500);
			await shot(page, 'node-operations.png');
		} else {
			log('WARNING: the node panel offers only "RingReady Trigger" (RingReady.node.json puts the node under AI › Tools); node-operations.png not updated');
		}
		await page.keyboard.press('Escape');

		// 3. the RingReady node's parameters: Get Many conversations with transcripts
		await openNode(page, env.baseUrl, 'rrExampleImprove', '0b6f3c1e-6a4e-4a53-9f44-1f1d2c7e0a02');
		await runInNdv(page);
		await shot(page, 'node-conversations.png');

		// 4. the trigger's parameters
		await openNode(page, env.baseUrl, 'rrExampleSlack01', '5a1c9e2d-3b7f-4c0e-8d21-6f4b2a9c1e01');
		await runInNdv(page);
		await shot(page, 'trigger.png');
	} finally {
		await browser.close();
		await env?.stop();
		rmSync(userFolder, { recursive: true, force: true });
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`[screenshots] ${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
