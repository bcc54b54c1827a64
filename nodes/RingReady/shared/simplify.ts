/** Kept for the trigger's imports: Simplify and Output are written in output.ts. */
export {
	CONVERSATION_FULL_FIELDS,
	CONVERSATION_OUTPUT,
	shapeConversation,
	SIMPLIFIED_CONVERSATION_FIELDS_V1_1,
} from './output';
