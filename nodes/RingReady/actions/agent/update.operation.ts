import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getAgent, updateAgent } from '../../shared/api';
import type { WritableAgentField } from '../../shared/contract';
import { DASHBOARD_ONLY_FIELDS_NOTE, WRITABLE_AGENT_FIELDS } from '../../shared/contract';
import { agentLocator } from '../../shared/descriptions';
import { agentUpdatePreview, previewOptions, readPreview } from '../../shared/preview';
import { readAgentId, validateAgentUpdate } from '../../shared/validation';

/** Parameter name in the node → field name in the API. */
const UPDATE_FIELDS: Record<string, WritableAgentField> = {
	agentGoal: 'agent_goal',
	greetingMessage: 'greeting_message',
	businessName: 'business_name',
	businessServices: 'business_services',
	businessWebsite: 'business_website',
};

const FIELD_HELP: Record<WritableAgentField, string> = {
	agent_goal:
		'What the receptionist should achieve on every call or chat, e.g. "Qualify leads and book consultations."',
	greeting_message: 'The first thing the receptionist says when it answers',
	business_name: 'The business name the receptionist uses',
	business_services:
		'The services the business offers, in plain text; the receptionist answers from this',
	business_website: 'The business website, e.g. https://acme.com',
};

function updateField(parameter: string, field: WritableAgentField): INodeProperties {
	const { label, maxLength, required } = WRITABLE_AGENT_FIELDS[field];
	const long = maxLength > 500;
	return {
		displayName: label,
		name: parameter,
		type: 'string',
		default: '',
		typeOptions: long ? { rows: 4 } : undefined,
		description: `${FIELD_HELP[field]}. At most ${maxLength.toLocaleString('en-US')} characters${
			required ? "; can't be blank" : ''
		}.`,
	};
}
import type { WriteItem } from '../operation';

const properties: INodeProperties[] = [
	agentLocator(),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: `Only the fields added here change. ${DASHBOARD_ONLY_FIELDS_NOTE} To edit the FAQ use the Agent FAQ resource.`,
		options: Object.entries(UPDATE_FIELDS).map(([parameter, field]) =>
			updateField(parameter, field),
		),
	},
	previewOptions('each field sent, with its current and new value'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['update'] } },
	properties,
);

export const write: WriteItem = function (session, itemIndex) {
	const agentId = readAgentId.call(this, itemIndex);
	const updateFields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const fields: Partial<Record<WritableAgentField, unknown>> = {};
	for (const [parameter, value] of Object.entries(updateFields)) {
		fields[UPDATE_FIELDS[parameter] ?? (parameter as WritableAgentField)] = value;
	}
	const body = validateAgentUpdate(this.getNode(), fields, itemIndex);
	const writesTo = `agent ${agentId}`;
	if (readPreview.call(this, itemIndex)) {
		return {
			writesTo,
			run: async () => agentUpdatePreview(await getAgent(session, agentId, { itemIndex }), body),
		};
	}
	return {
		writesTo,
		run: async () =>
			(await updateAgent(session, agentId, body, { itemIndex })) as unknown as IDataObject,
	};
};
