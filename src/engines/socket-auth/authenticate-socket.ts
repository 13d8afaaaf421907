import type { Socket } from 'node:net';
import { SCRAM_MECHANISM, ScramExchange, type ScramVerifier } from './scram-sha256';
import {
  CANCEL_REQUEST,
  GSSENC_REQUEST,
  PROTOCOL_3,
  SSL_REQUEST,
  authSasl,
  authSaslContinue,
  authSaslFinal,
  fatalError,
  parseSaslInitial,
  readStartupPacket,
  readTypedMessage,
} from './startup-messages';

export interface SocketAuthOptions {
  readonly verifier: ScramVerifier;
  /** Appended to every refusal: where a legitimate client finds the secret. */
  readonly hint: string;
  /** A client that has not authenticated by then is disconnected. @default 10_000 */
  readonly timeoutMs?: number;
}

/**
 * Runs a connection's startup phase up to a verified SCRAM-SHA-256 exchange. Resolves with the bytes to hand to
 * PGlite (the client's StartupMessage, which PGlite answers with AuthenticationOk, and anything sent after it), or
 * undefined after refusing the client with a FATAL error (SQLSTATE 28P01 for a wrong secret) and closing.
 * The socket is left paused either way: the caller attaches the next reader.
 */
export function authenticateSocket(socket: Socket, options: SocketAuthOptions): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const exchange = new ScramExchange(options.verifier);
    let buffer = Buffer.alloc(0);
    let startup: Buffer | undefined;
    let phase: 'startup' | 'initial' | 'final' = 'startup';
    const finish = (result: Buffer | undefined): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onClose);
      socket.off('close', onClose);
      socket.pause();
      resolve(result);
    };
    const refuse = (code: string, why: string): void => {
      if (socket.writable) socket.end(fatalError(code, `temporal-xcom embedded store: ${why}. ${options.hint}`));
      // end() flushes the error first; a client that never closes its side is cut off shortly after.
      setTimeout(() => socket.destroy(), 1000).unref();
      finish(undefined);
    };
    const onClose = (): void => finish(undefined);
    const timer = setTimeout(() => refuse('08006', 'authentication timed out'), options.timeoutMs ?? 10_000);

    const step = (): boolean => {
      if (phase === 'startup') {
        const packet = readStartupPacket(buffer);
        if (!packet) return false;
        buffer = buffer.subarray(packet.bytes.length);
        if (packet.code === SSL_REQUEST || packet.code === GSSENC_REQUEST) {
          socket.write('N'); // loopback only: no TLS; the client goes on in the clear
          return true;
        }
        if (packet.code === CANCEL_REQUEST) {
          refuse('0A000', 'cancel requests are not supported');
          return false;
        }
        if (packet.code !== PROTOCOL_3) {
          refuse('08P01', `unsupported protocol ${packet.code}`);
          return false;
        }
        startup = Buffer.from(packet.bytes);
        socket.write(authSasl(SCRAM_MECHANISM));
        phase = 'initial';
        return true;
      }
      const message = readTypedMessage(buffer);
      if (!message) return false;
      buffer = buffer.subarray(message.size);
      if (message.type !== 'p') {
        refuse('28000', 'a password is required (SCRAM-SHA-256)');
        return false;
      }
      if (phase === 'initial') {
        const { mechanism, data } = parseSaslInitial(message.body);
        if (mechanism !== SCRAM_MECHANISM) {
          refuse('28000', `authentication mechanism ${mechanism} is not offered; use ${SCRAM_MECHANISM}`);
          return false;
        }
        socket.write(authSaslContinue(exchange.first(data)));
        phase = 'final';
        return true;
      }
      socket.write(authSaslFinal(exchange.final(message.body.toString('utf8'))));
      finish(Buffer.concat([startup!, buffer]));
      return false;
    };

    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      try {
        while (step());
      } catch (err) {
        const wrong = (err as Error).message === 'wrong secret';
        refuse('28P01', wrong ? 'password authentication failed' : `malformed authentication: ${(err as Error).message}`);
      }
    };
    socket.on('data', onData);
    socket.on('error', onClose);
    socket.on('close', onClose);
  });
}
