import { readFile } from 'node:fs/promises';
import { writeFileDurable } from '../store/durable-write.js';

/**
 * The control channel between `tradebot stop|pause|resume` (any terminal, any SSH session) and a
 * running bot: a request file in the bot's directory that the bot polls, and an acknowledgement
 * the bot writes into its state file. Files, not signals, so it works across users and hosts
 * that share the directory, and the request survives until it is answered.
 */
/**
 * stop-cancel: stop and cancel the bot's open orders; panic: also sell every position at market;
 * forceexit: cancel one pair's orders (or every pair's) and sell its position at market, and run on
 */
export type ControlCommand = 'stop' | 'pause' | 'resume' | 'stop-cancel' | 'panic' | 'forceexit';

export interface ControlRequest {
  seq: number;
  command: ControlCommand;
  time: number;
  by: string;
  /** forceexit: the pair, or "all" */
  pair?: string;
}

export async function readControl(path: string): Promise<ControlRequest | null> {
  try {
    const r = JSON.parse(await readFile(path, 'utf8')) as ControlRequest;
    return typeof r.seq === 'number' && typeof r.command === 'string' ? r : null;
  } catch {
    return null;
  }
}

export async function writeControl(path: string, command: ControlCommand, now: number, by: string, pair?: string): Promise<ControlRequest> {
  const prev = await readControl(path);
  const req: ControlRequest = { seq: (prev?.seq ?? 0) + 1, command, time: now, by, ...(pair !== undefined ? { pair } : {}) };
  await writeFileDurable(path, `${JSON.stringify(req)}\n`);
  return req;
}
