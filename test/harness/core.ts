/**
 * One-time setup of the n8n-core services that the execution contexts pull from the DI
 * container. Everything here is n8n-core's (or its own dependencies') real code, except the
 * Logger, which is replaced by a capturing one so tests can read what was logged.
 *
 *  - Logger (@n8n/backend-common): `this.logger` in every context; LoggerProxy (n8n-workflow).
 *  - InstanceSettings (n8n-core): built for real from N8N_USER_FOLDER (a temp folder, see env.ts).
 *  - OutboundHttp (@n8n/backend-network): the real HTTP client behind `this.helpers.httpRequest*`;
 *    built lazily by the container on first request (SSRF protection off, n8n's default).
 *  - TriggersAndPollers (n8n-core): runs `poll()` the way an active workflow does.
 */
import './env';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { InstanceSettings } from 'n8n-core';
import { LoggerProxy } from 'n8n-workflow';

import { CapturingLogger } from './logs';

let ready = false;

export function ensureN8nCore(): void {
	if (ready) return;
	const logger = new CapturingLogger();
	Container.set(Logger, logger as unknown as Logger);
	LoggerProxy.init(logger);
	// Build it now so a broken environment fails here with a clear stack, not mid-test.
	Container.get(InstanceSettings);
	ready = true;
}
