import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/** Where the tests find Redis: the CI's daemon on 6379, or a redis-server of their own. */
export interface RedisForTests {
  port: number;
  stop(): Promise<void>;
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, '127.0.0.1');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export const hasRedisServerBinary = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * The Redis the tests use. CI (`CI` set) runs .ci/run, which installs redis-server and starts it on
 * 127.0.0.1:6379: if it is not there, that is an error, never a skip. Elsewhere a running server on
 * 6379 is used, or a redis-server binary is started on a free port (no persistence) for the run.
 */
export async function redisForTests(): Promise<RedisForTests> {
  const port = Number(process.env['REDIS_PORT'] ?? 6379);
  if (await reachable(port)) return { port, stop: async () => undefined };
  if (process.env['CI']) {
    throw new Error(`Redis is not reachable on 127.0.0.1:${port}: .ci/run must install redis-server and start it before the tests`);
  }
  if (!hasRedisServerBinary) throw new Error('no redis-server binary on this machine (apt-get install redis-server)');
  const ownPort = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(ownPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 100 && !(await reachable(ownPort)); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    port: ownPort,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
