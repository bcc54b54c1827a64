import type { AgentDetail, AgentSummary, AgentUpdateResponse } from '../shared/contract';
import type { RingReadyFunctions } from './index';
import { apiRequest } from './index';

export async function listAgents(this: RingReadyFunctions, itemIndex?: number): Promise<AgentSummary[]> {
	const response = (await apiRequest.call(this, 'GET', '/agents', { itemIndex })) as {
		agents: AgentSummary[];
	};
	return response.agents ?? [];
}

export async function getAgent(this: RingReadyFunctions, id: number, itemIndex?: number): Promise<AgentDetail> {
	return (await apiRequest.call(this, 'GET', `/agents/${id}`, { itemIndex })) as AgentDetail;
}

export async function updateAgent(
	this: RingReadyFunctions,
	id: number,
	body: Record<string, unknown>,
	itemIndex?: number,
): Promise<AgentUpdateResponse> {
	return (await apiRequest.call(this, 'PATCH', `/agents/${id}`, {
		body: body as never,
		itemIndex,
	})) as AgentUpdateResponse;
}
