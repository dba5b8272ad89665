import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Starts an emulator in a child process; `stats()` asks it how many calls it answered, by status. */
export async function startEmulatorProcess(kind, options = {}) {
  const child = fork(fileURLToPath(new URL('./emulator-process.mjs', import.meta.url)), [kind, JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waitFor = (key) =>
    new Promise((resolve, reject) => {
      const onMessage = (message) => {
        if (message && message[key] !== undefined) {
          child.off('message', onMessage);
          resolve(message);
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`${kind} emulator exited with ${code}`)));
    });
  const ready = await waitFor('ready');
  return {
    ...ready,
    async stats() {
      child.send('stats');
      return (await waitFor('stats')).stats;
    },
    async resetCounts() {
      child.send('reset-counts');
      await waitFor('reset');
    },
    async close() {
      child.send('close');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
