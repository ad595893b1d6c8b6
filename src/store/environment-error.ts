import { StateError } from '../core/errors.js';

/**
 * Errors of the machine rather than of tradebot: a path through a file, no permission, a
 * read-only or full disk, too many open files. They get exit 5 with the path named, never
 * "internal error" (exit 3).
 */
const ENVIRONMENT_CODES: Readonly<Record<string, string>> = {
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory',
  ENOENT: 'no such file or directory',
  EEXIST: 'it already exists',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EBUSY: 'the resource is busy',
  EIO: 'input/output error',
  EXDEV: 'cannot move across file systems',
  ENOTEMPTY: 'the directory is not empty',
  ETXTBSY: 'the file is busy',
};

const VERBS: Readonly<Record<string, string>> = {
  scandir: 'cannot list',
  opendir: 'cannot list',
  open: 'cannot open',
  read: 'cannot read',
  stat: 'cannot read',
  lstat: 'cannot read',
  write: 'cannot write',
  mkdir: 'cannot create directory',
  rename: 'cannot rename',
  unlink: 'cannot remove',
  rmdir: 'cannot remove',
  rm: 'cannot remove',
  copyfile: 'cannot copy',
  fsync: 'cannot sync',
  chmod: 'cannot change the mode of',
};

/** A Node file-system error (it carries a system call and a known code). */
export function isEnvironmentError(err: unknown): err is NodeJS.ErrnoException {
  if (!(err instanceof Error)) return false;
  const e = err as NodeJS.ErrnoException;
  return typeof e.code === 'string' && typeof e.syscall === 'string' && Object.hasOwn(ENVIRONMENT_CODES, e.code);
}

/** "permission denied (EACCES)" */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && Object.hasOwn(ENVIRONMENT_CODES, code)) return `${ENVIRONMENT_CODES[code]} (${code})`;
  return code ?? (err instanceof Error ? err.message : String(err));
}

/** One line naming what failed, on which path: `cannot mkdir /proc/x: no such file or directory (ENOENT)`. */
export function environmentError(err: NodeJS.ErrnoException, what?: string): StateError {
  const target = err.path ?? '';
  const destPath = (err as { dest?: unknown }).dest;
  const dest = typeof destPath === 'string' ? ` -> ${destPath}` : '';
  const action = what ?? VERBS[err.syscall ?? ''] ?? `cannot ${err.syscall ?? 'use'}`;
  return new StateError(`${action} ${target}${dest}: ${describeFsError(err)}`.replace(/ +:/, ':'), { cause: err });
}
