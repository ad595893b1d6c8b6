import { join } from 'node:path';

/** `<home>/bots/<name>/notify.json`: the message queue and channel health (src/notify/notify-file.ts). */
export function notifyPath(botDir: string): string {
  return join(botDir, 'notify.json');
}
