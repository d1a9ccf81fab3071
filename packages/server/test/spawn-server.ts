// The real server as its own process (`node --import tsx src/main.ts`, what `pnpm start` runs after the web build),
// for what one process cannot show: signals, two servers on one database, first starts racing, and benchmarks
// whose client must not share the server's CPU.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const SERVER_DIR = resolve(import.meta.dirname, '..');

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Sends a signal and waits for the exit: its code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

let nextPort = 4700 + (process.pid % 200);

/** Starts a server with these environment variables and waits until /readyz answers 200 (or it exits, or times out). */
export async function spawnServer(env: Record<string, string | undefined>, opts: { timeoutMs?: number; waitReady?: boolean } = {}): Promise<ServerProcess> {
  const port = nextPort++;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: { ...process.env, NODE_ENV: 'test', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  const server: ServerProcess = {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (opts.waitReady === false) return server;
  return waitReady(server, opts.timeoutMs);
}

/** Waits until the server's /readyz answers 200; throws with its output if it exits or times out first. */
export async function waitReady(server: ServerProcess, timeoutMs = 240_000): Promise<ServerProcess> {
  const { child } = server;
  const out = () => server.output();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before it was ready:\n${out()}`);
    if (Date.now() > deadline) {
      await server.stop('SIGKILL');
      throw new Error(`the server was not ready within ${timeoutMs} ms:\n${out()}`);
    }
    if (await fetch(`${server.url}/readyz`).then((r) => r.ok, () => false)) return server;
    await new Promise((ok) => setTimeout(ok, 150));
  }
}
