import type { AgentDetail, AgentSummary, AgentUpdateResponse } from '../shared/contract';
import type { RequestContext, RingReadyFunctions } from './index';
import { apiRequest } from './index';
import { agentListShape, agentShape, agentUpdateShape } from './shapes';

export async function listAgents(
	this: RingReadyFunctions,
	itemIndex?: number,
	context: RequestContext = {},
): Promise<AgentSummary[]> {
	const response = (await apiRequest.call(this, 'GET', '/agents', {
		...context,
		itemIndex,
		expect: agentListShape,
	})) as {
		agents: AgentSummary[];
	};
	return response.agents;
}

/** `withFaq`: the answer must carry the agent's FAQ explicitly (an object, or null for none). */
export async function getAgent(
	this: RingReadyFunctions,
	id: number,
	itemIndex?: number,
	{ withFaq = false, ...context }: { withFaq?: boolean } & RequestContext = {},
): Promise<AgentDetail> {
	return (await apiRequest.call(this, 'GET', `/agents/${id}`, {
		...context,
		itemIndex,
		expect: agentShape(id, { withFaq }),
	})) as AgentDetail;
}

export async function updateAgent(
	this: RingReadyFunctions,
	id: number,
	body: Record<string, unknown>,
	itemIndex?: number,
	context: RequestContext = {},
): Promise<AgentUpdateResponse> {
	return (await apiRequest.call(this, 'PATCH', `/agents/${id}`, {
		...context,
		body: body as never,
		itemIndex,
		expect: agentUpdateShape,
	})) as AgentUpdateResponse;
}
