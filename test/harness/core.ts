/**
 * One-time setup of the n8n-core services the execution contexts take from the DI container, all
 * real except the Logger, replaced by a capturing one (logs.ts) for `this.logger` and LoggerProxy.
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
