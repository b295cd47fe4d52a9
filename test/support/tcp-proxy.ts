import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";

const defaultPorts: Record<string, number> = { "postgres:": 5432, "postgresql:": 5432, "redis:": 6379 };

export interface TcpProxy {
  /** `target` with host and port pointing at the proxy. */
  url: string;
  port: number;
  /** Listens again on the same port (a no-op while listening). */
  start(): Promise<void>;
  /** Stops listening and cuts every open connection: the dependency is gone. */
  stop(): Promise<void>;
  /**
   * Keeps every connection open but passes nothing on, and accepts new ones without answering: the
   * dependency hangs (a frozen host, packets dropped) instead of refusing.
   */
  freeze(): void;
  /** Passes data again, what was held back first. */
  thaw(): void;
}

/**
 * A TCP proxy on 127.0.0.1 to the host and port of `target` (a postgres:// or redis:// URL): an
 * outage on demand, and a recovery on the same address, for the clients under test.
 */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const targetUrl = new URL(target);
  const targetPort = Number(targetUrl.port || defaultPorts[targetUrl.protocol]);
  if (!targetPort) throw new Error(`No port in ${targetUrl.protocol} URL and no default for it`);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let frozen = false;

  async function start() {
    if (server) return;
    const listening = createServer((client) => {
      const upstream = tcpConnect(targetPort, targetUrl.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
      if (frozen) for (const socket of [client, upstream]) socket.pause();
    });
    await new Promise<void>((resolve, reject) => {
      listening.once("error", reject);
      listening.listen(port, "127.0.0.1", () => {
        listening.off("error", reject);
        resolve();
      });
    });
    const address = listening.address();
    if (address && typeof address === "object") port = address.port;
    server = listening;
  }

  async function stop() {
    const closing = server;
    server = undefined;
    if (!closing) return;
    // Stop accepting before cutting: a connection accepted after the cut would keep close() waiting.
    const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  // Paused sockets stop reading: what is sent stays in buffers and flows again on resume().
  function freeze() {
    frozen = true;
    for (const socket of sockets) socket.pause();
  }

  function thaw() {
    frozen = false;
    for (const socket of sockets) socket.resume();
  }

  await start();
  const proxied = new URL(target);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(port);
  return { url: proxied.toString(), port, start, stop, freeze, thaw };
}
