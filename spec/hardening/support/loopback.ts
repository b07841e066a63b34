/**
 * A loopback HTTP client for hostile requests: any method Node's HTTP client lets through, any
 * header (repeated ones as arrays), any body bytes (non-UTF-8 included), an optional
 * `Content-Length` that Node does not fix up. Each request has its own connection: a server that
 * answers early (405, 413) without reading a large body closes the connection, and a keep-alive
 * pool would then hand the next request a dead socket. Loopback connections are cheap.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface LoopbackServer {
  send(request: RawRequest): Promise<RawResponse>;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (an ephemeral port) and returns a client for it. */
export async function listenOnLoopback(app: Express): Promise<LoopbackServer> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function send({ method, path, headers, body }: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      let answered = false;
      // Node frames a GET/DELETE/OPTIONS body only with an explicit length; without one the
      // server would read the body as a second request.
      const framed = body !== undefined && headers['content-length'] === undefined ? { ...headers, 'content-length': String(body.length) } : headers;
      const req = http.request({ host: '127.0.0.1', port, method, path, headers: framed, agent: false }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(3_000, () => req.destroy(new Error(`no answer to ${method} ${path} within 3 s`)));
      req.on('error', (error) => {
        if (!answered) reject(error);
      });
      req.end(body);
    });
  }

  return {
    send,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
