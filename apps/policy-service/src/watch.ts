import { watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Calls `onChange` once a burst of changes to one file has settled. The directory is watched, not
 * the file: editors and config tools save by writing a new file and renaming it over the old one,
 * and a watch on the old file's inode would never fire again. Events for other names in the
 * directory are ignored.
 */

export interface FileWatch {
  close(): void;
}

export function watchFile(
  path: string,
  onChange: () => void,
  debounceMs = 200,
  onError: (e: Error) => void = () => undefined,
): FileWatch {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dirname(path), (_event, filename) => {
    // Some platforms give no name: then any change in the directory counts.
    if (filename !== null && filename !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  // Without a listener, an error (the directory removed) would end the process.
  watcher.on('error', onError);
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
