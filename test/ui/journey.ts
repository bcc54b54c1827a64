/**
 * npm run test:ui — a newcomer's first workflow, clicked through the real n8n editor in a real browser:
 * the `npm run dev` environment (scripts/dev-env.ts: the sandbox with demo data, n8n 2.x with this
 * package) in a throw-away folder, driven with playwright-core in Debian's Chromium as a person would,
 * step by step (`steps` below).
 *
 * Every step leaves a screenshot in test/ui/out/ (CI keeps them as artifacts). With --docs (what
 * `npm run screenshots` runs) the README's pictures in docs/ are written from the same run. The last
 * line is "N passed, N failed". Needs /usr/bin/chromium (apt-get install -y chromium) or CHROMIUM_PATH.
 * UI_KEEP=1 keeps the n8n folder.
 */
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { chromium, selectors, type Browser, type Locator, type Page } from 'playwright-core';

import { ROOT, startDevEnvironment, type DevEnvironment } from '../../scripts/dev-env';
import { recordingAudio } from '../sandbox/recordings';
import { until } from '../../tools/n8n';
import { expectText, Suite } from '../e2e/lib/suite';

const OUT = join(ROOT, 'test', 'ui', 'out');
const VIEWPORT = { width: 1280, height: 900 };
const DOCS = join(ROOT, 'docs');
const writeDocs = process.argv.includes('--docs');
const log = (message: string) => process.stdout.write(`[ui] ${message}\n`);
const suite = new Suite();

/** The credential test's message for a revoked key (credentials/RingReadyApi.credentials.ts). */
const REVOKED_MESSAGE =
	'The API key is invalid or has been revoked. Create a new key in the RingReady dashboard under Profile → API keys and paste it here.';

/** What the journey needs from the environment: the editor and its login, and the sandbox. */
interface Target {
	baseUrl: string;
	login: { email: string; password: string };
	sandboxUrl: string;
	keys: { readWrite: string; revoked: string };
}

interface Journey {
	page: Page;
	env: Target;
	shotIndex: number;
}

/** New conversations in the sandbox (its control API), newest first. */
async function addConversations(j: Journey, body: object) {
	const response = await fetch(`${j.env.sandboxUrl}/__sandbox/conversations`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	if (!response.ok) throw new Error(`sandbox: adding conversations: HTTP ${response.status}`);
	const { conversations } = (await response.json()) as {
		conversations: Array<{ id: number; recording_url: string | null }>;
	};
	return conversations;
}

/** Execute step in the open node; waits until the output shows `items`. */
async function executeStep(page: Page, items: string | RegExp): Promise<Locator> {
	await ndv(page).getByTestId('node-execute-button').click();
	const output = page.getByTestId('output-panel');
	await output.getByText(items, { exact: true }).first().waitFor({ timeout: 60_000 });
	return output;
}

async function shot(journey: Journey, name: string, docsName?: string): Promise<void> {
	journey.shotIndex++;
	// Toasts ("Node executed successfully") would cover the output in the README's pictures.
	for (const close of await journey.page
		.locator('.el-notification__closeBtn')
		.filter({ visible: true })
		.all()) {
		await close.click().catch(() => undefined);
	}
	await journey.page
		.locator('.el-notification')
		.filter({ visible: true })
		.first()
		.waitFor({ state: 'hidden', timeout: 3_000 })
		.catch(() => undefined);
	const file = join(OUT, `${String(journey.shotIndex).padStart(2, '0')}-${name}.png`);
	await journey.page.screenshot({ path: file });
	if (writeDocs && docsName) {
		copyFileSync(file, join(DOCS, docsName));
		log(`  docs/${docsName} written`);
	}
}

/** Overview → Credentials → Create credential → "RingReady API" → the credential modal. */
async function openNewCredentialModal(page: Page, baseUrl: string): Promise<Locator> {
	await page.goto(`${baseUrl}/home/credentials`);
	await page
		.getByTestId('resources-list-add')
		.or(page.getByTestId('create-credential-button'))
		.or(page.getByRole('button', { name: /credential/i }))
		.first()
		.click();
	const search = page
		.getByRole('combobox', { name: 'Search for app...' })
		.or(page.getByPlaceholder(/Search for app/))
		.first();
	await search.fill('RingReady');
	await page
		.getByTestId('new-credential-type-select-option')
		.filter({ hasText: 'RingReady API' })
		.first()
		.click();
	await page.getByTestId('new-credential-type-button').click();
	const modal = page.getByTestId('editCredential-modal');
	await modal.waitFor();
	return modal;
}

async function fillCredential(
	modal: Locator,
	name: string,
	apiKey: string,
	baseUrl: string,
): Promise<void> {
	await modal.getByTestId('credential-name').click();
	const nameInput = modal.getByTestId('credential-name').locator('input');
	await nameInput.fill(name);
	await nameInput.press('Enter');
	await modal.getByTestId('parameter-input-apiKey').locator('input').fill(apiKey);
	const base = modal.getByTestId('parameter-input-baseUrl').locator('input');
	await base.fill(baseUrl);
	await modal.getByTestId('credential-save-button').click();
}

async function closeModal(modal: Locator): Promise<void> {
	await modal.locator('.el-dialog__close, [aria-label="Close this dialog"]').first().click();
	await modal.waitFor({ state: 'hidden' });
}

const ndv = (page: Page): Locator => page.getByTestId('ndv');

/** The value the open node shows in parameter `name`. */
const parameterValue = (page: Page, name: string) =>
	ndv(page).getByTestId(`parameter-input-${name}`).locator('input').first().inputValue();

/** The text field of a resource locator (`rlc`). */
const rlcInput = (locator: Locator) =>
	locator
		.getByTestId('rlc-input')
		.locator('input')
		.or(locator.locator('input[data-test-id="rlc-input"]'))
		.first();

/** Opens the node panel with the canvas's plus button (or its add button) and searches it. */
async function searchNodePanel(
	page: Page,
	text: string,
	plusButton: 'node-creator-plus-button' | 'canvas-plus-button' = 'node-creator-plus-button',
): Promise<void> {
	await page.getByTestId(plusButton).or(page.getByTestId('canvas-add-button')).first().click();
	await page
		.getByTestId('node-creator-search-bar')
		.locator('input')
		.or(page.getByTestId('node-creator-search-bar'))
		.first()
		.fill(text);
}

const nodeCreatorItem = (page: Page, text: string): Locator =>
	page
		.getByTestId('node-creator')
		.getByTestId('item-iterator-item')
		.filter({ has: page.getByText(text, { exact: true }) })
		.first();

/** From the node panel's search results: RingReady → its actions. */
async function showRingReadyActions(page: Page): Promise<void> {
	await nodeCreatorItem(page, 'RingReady').click();
	// In an empty workflow n8n opens the trigger list first; the actions are one click away.
	await page
		.getByTestId('node-creator-category-item')
		.filter({ hasText: /^\s*Actions/ })
		.click();
}

/** The open node's output panel as JSON text. */
async function outputJson(page: Page): Promise<string> {
	const output = page.getByTestId('output-panel');
	await output.getByText('JSON', { exact: true }).first().click();
	const json = output.locator('.vjs-tree, [data-test-id="run-data-json"], .json-data').first();
	await json.waitFor();
	// The JSON view spreads each value over lines; one space between tokens reads as JSON again.
	return (await output.innerText()).replace(/\s+/g, ' ');
}

/** Picks the open dropdown's item whose whole text is `text` (a select, an Add Option list). */
async function chooseDropdownItem(page: Page, text: string): Promise<void> {
	const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	await page
		.locator('.el-select-dropdown__item')
		.filter({ visible: true })
		.filter({ hasText: new RegExp(`^\\s*${escaped}\\s*$`) })
		.first()
		.click();
}

/** n8n preselects the newest credential of the type (here the revoked one); pick ours as a user would. */
async function chooseCredential(page: Page, name: string): Promise<void> {
	await ndv(page).getByTestId('node-credentials-select').click();
	await page
		.locator('.el-select-dropdown__item')
		.filter({ visible: true })
		.filter({ has: page.getByText(name, { exact: true }) })
		.first()
		.click();
	const chosen = await ndv(page)
		.getByTestId('node-credentials-select')
		.locator('input')
		.first()
		.inputValue();
	if (chosen !== name)
		throw new Error(`the credential field shows "${chosen}", expected "${name}"`);
}

type Step = [name: string, run: (journey: Journey) => Promise<void>];

const steps: Step[] = [
	[
		'sign in',
		async (j) => {
			await j.page.goto(`${j.env.baseUrl}/signin`);
			await j.page
				.getByTestId('emailOrLdapLoginId')
				.locator('input')
				.or(j.page.locator('input[type="email"]'))
				.first()
				.fill(j.env.login.email);
			await j.page.locator('input[type="password"]').first().fill(j.env.login.password);
			await j.page
				.getByTestId('form-submit-button')
				.or(j.page.locator('button[type="submit"]'))
				.first()
				.click();
			await j.page.waitForURL((url) => !url.pathname.includes('signin'));
			await shot(j, 'signed-in');
		},
	],
	[
		'create a RingReady API credential: the connection test succeeds',
		async (j) => {
			const modal = await openNewCredentialModal(j.page, j.env.baseUrl);
			await shot(j, 'credential-new');
			await fillCredential(modal, 'My RingReady', j.env.keys.readWrite, j.env.sandboxUrl);
			await modal.getByText('Connection tested successfully').waitFor({ timeout: 30_000 });
			await shot(j, 'credential-tested', 'credential.png');
			await closeModal(modal);
		},
	],
	[
		'a revoked API key: the credential test shows what to do',
		async (j) => {
			const modal = await openNewCredentialModal(j.page, j.env.baseUrl);
			await fillCredential(modal, 'Revoked RingReady key', j.env.keys.revoked, j.env.sandboxUrl);
			const banner = modal
				.getByText('Couldn’t connect with these settings')
				.or(modal.getByText("Couldn't connect with these settings"))
				.first();
			await banner.waitFor({ timeout: 30_000 });
			await modal.getByText('More details').click();
			expectText(await modal.innerText(), REVOKED_MESSAGE, 'the credential modal');
			await shot(j, 'credential-revoked');
			await closeModal(modal);
		},
	],
	[
		'add the RingReady node from the node panel: Conversation → Get Many',
		async (j) => {
			await j.page.goto(`${j.env.baseUrl}/workflow/new`);
			await j.page
				.getByTestId('canvas-plus-button')
				.or(j.page.getByTestId('canvas-add-button'))
				.first()
				.waitFor();
			await searchNodePanel(j.page, 'RingReady');
			const app = nodeCreatorItem(j.page, 'RingReady');
			await app.waitFor();
			expectText(
				await j.page.getByTestId('node-creator').innerText(),
				'RingReady',
				'the node panel',
			);
			await showRingReadyActions(j.page);
			const action = j.page
				.getByTestId('node-creator')
				.getByText('Get many conversations', { exact: true });
			await action.waitFor();
			await j.page.waitForTimeout(500);
			const panel = await j.page.getByTestId('node-creator').innerText();
			// Every resource's actions, the trigger's event, and the Conversation actions the old screenshot cut off.
			for (const expected of [
				/Triggers \(1\)/,
				/On new conversation/,
				/Actions \(10\)/,
				/ACCOUNT ACTIONS/i,
				/AGENT FAQ ACTIONS/i,
				/CONVERSATION ACTIONS/i,
				/Get (a )?conversation\b/,
				/Get many conversations/,
			]) {
				if (!expected.test(panel))
					throw new Error(
						`the RingReady actions: ${expected} not in ${JSON.stringify(panel.slice(0, 600))}`,
					);
			}
			// Tall enough for every action down to the Conversation ones.
			await j.page.setViewportSize({ width: 1280, height: 1200 });
			await j.page.waitForTimeout(500);
			await shot(j, 'node-panel-actions', 'node-operations.png');
			await j.page.setViewportSize(VIEWPORT);
			await action.click();
			await ndv(j.page).waitFor();
			const resource = await parameterValue(j.page, 'resource');
			const operation = await parameterValue(j.page, 'operation');
			if (resource !== 'Conversation' || operation !== 'Get Many')
				throw new Error(
					`the node opened with ${resource} → ${operation}, expected Conversation → Get Many`,
				);
			await shot(j, 'node-added');
		},
	],
	[
		'pick an agent From List: the sandbox agents are listed and typing filters them',
		async (j) => {
			const page = j.page;
			const panel = ndv(page);
			// The credential created above (the dev environment also has "RingReady Sandbox").
			await chooseCredential(page, 'My RingReady');
			await panel.getByPlaceholder('Add Filter').click();
			await chooseDropdownItem(page, 'Agent');
			const locator = panel.getByTestId('resource-locator-agentId');
			await locator.getByTestId('rlc-input').click();
			const items = page.getByTestId('rlc-item').filter({ visible: true });
			await items.first().waitFor({ timeout: 30_000 });
			const listed = (await items.allInnerTexts()).map((text) => text.trim());
			for (const agent of [
				'Ava — Acme Plumbing',
				'Max — Bright Smile Dental',
				'Olivia — Harper & Lee Law',
				'Leo — Harbor Heating & Air',
			]) {
				if (!listed.some((text) => text.startsWith(agent)))
					throw new Error(`the agent list: "${agent}" not in ${JSON.stringify(listed)}`);
			}
			await shot(j, 'agent-list');
			await page.getByTestId('rlc-search').filter({ visible: true }).fill('Smile');
			let filtered: string[] = [];
			await until(
				async () => {
					filtered = (await items.allInnerTexts().catch(() => [])).map((text) => text.trim());
					return filtered.length === 1 && filtered[0].startsWith('Max — Bright Smile Dental');
				},
				20_000,
				() =>
					`typing "Smile" to leave only Max — Bright Smile Dental in the list (it shows ${JSON.stringify(filtered)})`,
			);
			await shot(j, 'agent-list-filtered');
			await items.first().click();
			const value = await rlcInput(locator).inputValue();
			expectText(value, 'Max — Bright Smile Dental', 'the chosen agent');
		},
	],
	[
		'execute step: the output shows the agent’s conversations',
		async (j) => {
			const page = j.page;
			await executeStep(page, /\d+ items?/);
			const text = await outputJson(page);
			expectText(text, '50 items', 'the output (Limit 50)');
			const agentIds = [...text.matchAll(/"agent_id": (\d+)/g)].map((match) => Number(match[1]));
			if (agentIds.length === 0 || agentIds.some((id) => id !== 8))
				throw new Error(
					`the output should hold only agent 8's conversations, it has agent_id ${JSON.stringify([...new Set(agentIds)])}`,
				);
			expectText(text, '"channel": "', 'the output');
			await shot(j, 'conversations-output', 'node-conversations.png');
			await page.keyboard.press('Escape');
		},
	],
	[
		'Conversation → Get with Download Recording: the output holds the call’s audio as a file',
		async (j) => {
			const page = j.page;
			const conversations = await addConversations(j, { count: 6, channel: 'phone' });
			// A recording on the sandbox's own origin: the one the key is sent to.
			const call = conversations.find(
				(c) => c.recording_url?.startsWith(`${j.env.sandboxUrl}/`) === true,
			);
			if (!call)
				throw new Error(
					`no new phone call has a recording on ${j.env.sandboxUrl}: ${JSON.stringify(conversations)}`,
				);
			const { extension, mimeType } = recordingAudio(call.id);
			await page.goto(`${j.env.baseUrl}/workflow/new`);
			await searchNodePanel(page, 'RingReady', 'canvas-plus-button');
			await showRingReadyActions(page);
			await page
				.getByTestId('node-creator')
				.getByText('Get conversation with transcript', { exact: true })
				.click();
			const panel = ndv(page);
			await panel.waitFor();
			await chooseCredential(page, 'My RingReady');
			const locator = panel.getByTestId('resource-locator-conversationId');
			await locator.getByTestId('rlc-mode-selector').click();
			await chooseDropdownItem(page, 'By ID');
			await rlcInput(locator).fill(String(call.id));
			const output = await parameterValue(page, 'output');
			if (output !== 'Simplified')
				throw new Error(`Output shows "${output}", expected "Simplified" (node version 1.1)`);
			await panel.getByPlaceholder('Add Option').click();
			await chooseDropdownItem(page, 'Download Recording');
			await panel.getByTestId('parameter-input-downloadRecording').locator('.el-switch').click();
			const outputPanel = await executeStep(page, '1 item');
			await outputPanel.getByText('Binary', { exact: true }).first().click();
			await until(
				async () =>
					(await outputPanel.innerText().catch(() => '')).includes(
						`conversation-${call.id}.${extension}`,
					),
				20_000,
				`the Binary view to show conversation-${call.id}.${extension}`,
			);
			const shown = (await outputPanel.innerText()).replace(/\s+/g, ' ');
			expectText(shown, mimeType, 'the Binary view');
			await shot(j, 'conversation-recording', 'node-recording.png');
			await page.keyboard.press('Escape');
		},
	],
	[
		'add the RingReady Trigger: Fetch Test Event shows the latest conversation',
		async (j) => {
			const page = j.page;
			const [latest] = await addConversations(j, { count: 1 });
			await page.goto(`${j.env.baseUrl}/workflow/new`);
			await searchNodePanel(page, 'RingReady', 'canvas-plus-button');
			await nodeCreatorItem(page, 'RingReady Trigger')
				.or(nodeCreatorItem(page, 'RingReady'))
				.first()
				.click();
			await page
				.getByTestId('node-creator')
				.getByText('On new conversation', { exact: true })
				.click();
			await ndv(page).waitFor();
			await chooseCredential(page, 'My RingReady');
			await executeStep(page, '1 item');
			const text = await outputJson(page);
			expectText(text, `"id": ${latest.id}`, 'the test event');
			await shot(j, 'trigger-test-event', 'trigger.png');
			await page.keyboard.press('Escape');
		},
	],
	[
		'open an example workflow',
		async (j) => {
			await j.page.goto(`${j.env.baseUrl}/workflow/rrExampleImprove`);
			await j.page.getByTestId('canvas-node').first().waitFor();
			await j.page.waitForTimeout(2000);
			expectText(await j.page.locator('body').innerText(), 'RingReady', 'the example workflow');
			await shot(j, 'example-workflow', 'workflow-improve.png');
		},
	],
];

async function main(): Promise<number> {
	const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
	if (!existsSync(executablePath))
		throw new Error(
			`${executablePath} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`,
		);
	rmSync(OUT, { recursive: true, force: true });
	mkdirSync(OUT, { recursive: true });
	const userFolder = mkdtempSync(join(tmpdir(), 'ringready-ui-'));
	let dev: DevEnvironment | undefined;
	let browser: Browser | undefined;
	try {
		let env: Target;
		if (process.env.UI_ATTACH) {
			// A running `npm run dev` (sandbox mode): UI_ATTACH=http://127.0.0.1:5678 with the login from .n8n-dev/login.json.
			const login = JSON.parse(
				readFileSync(join(ROOT, '.n8n-dev', 'login.json'), 'utf8'),
			) as Target['login'];
			const sandboxUrl = process.env.UI_SANDBOX_URL ?? 'http://127.0.0.1:4010';
			const { keys } = (await (await fetch(`${sandboxUrl}/__sandbox/keys`)).json()) as {
				keys: Target['keys'];
			};
			env = { baseUrl: process.env.UI_ATTACH, login, sandboxUrl, keys };
		} else {
			dev = await startDevEnvironment({ userFolder, n8nPort: 0, sandboxPort: 0, log });
			if (!dev.sandbox) throw new Error('the journey needs the sandbox');
			env = {
				baseUrl: dev.baseUrl,
				login: dev.login,
				sandboxUrl: dev.sandbox.url,
				keys: dev.sandbox.keys,
			};
		}
		selectors.setTestIdAttribute('data-test-id'); // n8n's attribute
		browser = await chromium.launch({
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
		const context = await browser.newContext({
			viewport: VIEWPORT,
			deviceScaleFactor: 1,
			colorScheme: 'light',
		});
		const page = await context.newPage();
		page.setDefaultTimeout(20_000);
		const journey: Journey = { page, env, shotIndex: 0 };
		for (const [index, [name, run]] of steps.entries()) {
			if (await suite.check('ui', name, () => run(journey))) continue;
			await page.screenshot({ path: join(OUT, `failed-${index + 1}.png`) }).catch(() => undefined);
			writeFileSync(join(OUT, `failed-${index + 1}.html`), await page.content().catch(() => ''));
			// Later steps build on this one.
			suite.skip(
				'ui',
				steps.slice(index + 1).map(([skipped]) => skipped),
				'not reached',
			);
			break;
		}
	} catch (error) {
		const ran = new Set(suite.results.map((result) => result.name));
		const left = steps.map(([name]) => name).filter((name) => !ran.has(name));
		suite.skip('ui', left.length > 0 ? left : ['setting up'], String(error));
	} finally {
		await browser?.close();
		await dev?.stop();
		if (process.env.UI_KEEP === '1') log(`n8n folder kept: ${userFolder}`);
		else rmSync(userFolder, { recursive: true, force: true });
	}
	log(`screenshots: ${OUT}`);
	suite.summary("the newcomer's journey in the n8n editor");
	return suite.failed === 0 && suite.passed > 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		process.stderr.write(`[ui] ${error instanceof Error ? error.stack : String(error)}\n`);
		process.stdout.write(`0 passed, ${steps.length} failed\n`);
		process.exit(1);
	},
);
