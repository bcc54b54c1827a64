import type { AgentDetail, AgentSummary, AgentUpdateResponse } from '../shared/contract';
import type { RequestOptions } from './request';
import { apiRequest } from './request';
import type { RequestSession } from './session';
import { agentListShape, agentShape, agentUpdateShape } from './shapes';

export async function listAgents(
	session: RequestSession,
	options: RequestOptions = {},
): Promise<AgentSummary[]> {
	const response = (await apiRequest(session, 'GET', '/agents', {
		...options,
		expect: agentListShape,
	})) as { agents: AgentSummary[] };
	return response.agents;
}

/** `withFaq`: the answer must carry the agent's FAQ explicitly (an object, or null for none). */
export async function getAgent(
	session: RequestSession,
	id: number,
	{ withFaq = false, ...options }: RequestOptions & { withFaq?: boolean } = {},
): Promise<AgentDetail> {
	return (await apiRequest(session, 'GET', `/agents/${id}`, {
		...options,
		expect: agentShape(id, { withFaq }),
	})) as AgentDetail;
}

/** `retryWrite: false`: sent once even when refused unapplied (see ApiRequestOptions.retryWrite). */
export async function updateAgent(
	session: RequestSession,
	id: number,
	body: Record<string, unknown>,
	options: RequestOptions & { retryWrite?: boolean } = {},
): Promise<AgentUpdateResponse> {
	return (await apiRequest(session, 'PATCH', `/agents/${id}`, {
		...options,
		body: body as never,
		expect: agentUpdateShape,
	})) as AgentUpdateResponse;
}
