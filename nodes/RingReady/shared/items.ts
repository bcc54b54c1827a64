/** Kept for the trigger's imports: an item's output is written in output.ts. */
export { executionData, OutputItem } from './output';
