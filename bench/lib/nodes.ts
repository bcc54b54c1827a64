/**
 * Loads our node classes from their TypeScript sources. A plain `require('…/RingReady.node')`
 * under ts-node resolves to the codex file RingReady.node.json (Node tries .json before .ts), so
 * the benchmark names the file with its extension.
 */
import { join } from 'path';

import type * as ActionModule from '../../nodes/RingReady/RingReady.node';
import type * as TriggerModule from '../../nodes/RingReadyTrigger/RingReadyTrigger.node';

const NODES = join(__dirname, '..', '..', 'nodes');
/** .ts under ts-node; .js when the bench itself was compiled (the memory case's child process). */
const EXT = __filename.endsWith('.ts') ? '.ts' : '.js';

export function loadRingReady(): ActionModule.RingReady {
	const { RingReady } = require(
		join(NODES, 'RingReady', `RingReady.node${EXT}`),
	) as typeof ActionModule;
	return new RingReady();
}

export function loadRingReadyTrigger(): TriggerModule.RingReadyTrigger {
	const { RingReadyTrigger } = require(
		join(NODES, 'RingReadyTrigger', `RingReadyTrigger.node${EXT}`),
	) as typeof TriggerModule;
	return new RingReadyTrigger();
}
