import type { IBinaryKeyData, IDataObject, INode, INodeProperties } from 'n8n-workflow';

import type { RecordingFunctions, RequestSession } from '../transport';
import { downloadRecording, recordingBinary, RunCancelledError } from '../transport';
import { RECORDING_LIMITS } from './contract';
import { invalid } from './validation';

/**
 * Download Recording: the options that offer it, reading them, and the download of one
 * conversation's recording as its output item's file. Never offered to an AI agent: the options
 * are hidden when the node is an AI tool, and ignored if a saved workflow has them anyway.
 */

/** What the options asked for: the binary field the file goes in, and the size limit. */
export interface RecordingDownload {
	binaryPropertyName: string;
	maxBytes: number;
}

/** The values of the Options collection that Download Recording reads. */
export interface RecordingOptionValues {
	downloadRecording?: boolean;
	binaryPropertyName?: string;
	maxRecordingSizeMb?: number;
}

const NOT_AS_TOOL = { hide: { '@tool': [true] } };

/**
 * Download Recording, Put Output File in Field and Max Recording Size (MB), for an Options
 * collection. `note`: what Download Recording does besides, in that place.
 */
export function recordingOptions(note = ''): INodeProperties[] {
	return [
		{
			displayName: 'Download Recording',
			name: 'downloadRecording',
			type: 'boolean',
			default: false,
			description: `Whether to add the call's audio recording to each item as a file (web chats and calls without a recording get none)${note}`,
			displayOptions: NOT_AS_TOOL,
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			description:
				'With Download Recording: the name of the binary field the recording goes in, e.g. "data"',
			displayOptions: NOT_AS_TOOL,
		},
		{
			displayName: 'Max Recording Size (MB)',
			name: 'maxRecordingSizeMb',
			type: 'number',
			typeOptions: { minValue: 0.1, maxValue: RECORDING_LIMITS.maxMb, numberPrecision: 1 },
			default: 25, // = RECORDING_LIMITS.defaultMaxMb; the lint rule wants a literal
			description:
				'With Download Recording: a larger recording fails its item and nothing is stored. A 30-minute call in MP3 is about 15 MB.',
			displayOptions: NOT_AS_TOOL,
		},
	];
}

/** Whether the node runs as an AI tool: n8n's tool variant of a node has a type name ending in "Tool". */
export function isAiTool(node: INode): boolean {
	return node.type.endsWith('Tool');
}

/**
 * The download the options ask for, checked before any request; undefined when it is off or the
 * node runs as an AI tool. `itemIndex` undefined: no items (the trigger's parameters).
 */
export function readRecordingDownload(
	node: INode,
	options: RecordingOptionValues | IDataObject,
	itemIndex?: number,
): RecordingDownload | undefined {
	const values = options as RecordingOptionValues;
	if (!values.downloadRecording || isAiTool(node)) return undefined;
	const binaryPropertyName = String(values.binaryPropertyName ?? 'data').trim();
	if (binaryPropertyName === '') {
		throw invalid(
			node,
			itemIndex,
			"Put Output File in Field can't be empty when Download Recording is on",
			'Name the binary field the recording goes in, e.g. "data" (the default), or turn off Download Recording.',
		);
	}
	const raw: unknown = values.maxRecordingSizeMb ?? RECORDING_LIMITS.defaultMaxMb;
	const megabytes = typeof raw === 'string' && raw.trim() === '' ? NaN : Number(raw);
	if (!Number.isFinite(megabytes) || megabytes <= 0 || megabytes > RECORDING_LIMITS.maxMb) {
		throw invalid(
			node,
			itemIndex,
			`Max Recording Size (MB) must be more than 0 and at most ${RECORDING_LIMITS.maxMb.toLocaleString('en-US')}, got "${String(raw).slice(0, 40)}"`,
			`Set it to ${RECORDING_LIMITS.defaultMaxMb} (the default) unless your recordings are larger; a 30-minute call in MP3 is about 15 MB.`,
		);
	}
	return { binaryPropertyName, maxBytes: Math.floor(megabytes * 1024 * 1024) };
}

/**
 * The conversation's recording as its output item's file (`binary[<field>]`), or undefined when it
 * has none (web chats, `recording_url: null`). Each of the download's requests takes a slot of the
 * run's throttle (Max Concurrency); it uses the item's credential (no item, as in a poll: the node's); a run already
 * stopped sends nothing.
 */
export async function recordingFile(
	this: RecordingFunctions,
	session: RequestSession,
	conversation: { id: unknown; recording_url?: unknown },
	download: RecordingDownload,
	itemIndex = 0,
): Promise<IBinaryKeyData | undefined> {
	const { recording_url: url } = conversation;
	if (url === null || url === undefined || url === '') return undefined;
	if (session.isCancelled) throw new RunCancelledError();
	const file = await downloadRecording(conversation, {
		itemIndex,
		maxBytes: download.maxBytes,
		session,
	});
	return file ? await recordingBinary.call(this, file, download.binaryPropertyName) : undefined;
}
