import type { AllEntities } from 'n8n-workflow';

/** Every resource and its operations (the values of the `resource` and `operation` parameters). */
type NodeMap = {
	account: 'get';
	agent: 'get' | 'getAll' | 'update';
	conversation: 'get' | 'getAll';
	faq: 'upsert' | 'delete' | 'getAll' | 'replace';
};

export type RingReadyType = AllEntities<NodeMap>;
