/**
 * The version of a bot's state document (src/store/bot-state.ts), alone in its module: `status`
 * compares it with a summary's without loading the state document's code.
 */
export const STATE_SCHEMA_VERSION = 3;
