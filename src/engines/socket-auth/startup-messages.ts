/**
 * The few Postgres wire-protocol messages of a connection's startup phase that the embedded store's socket
 * answers itself, before handing the connection to PGlite (which has no authentication of its own).
 */

export const PROTOCOL_3 = 196608;
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;

const AUTH_SASL = 10;
const AUTH_SASL_CONTINUE = 11;
const AUTH_SASL_FINAL = 12;

/** An untyped startup-phase packet (length + code): SSLRequest, GSSENCRequest, CancelRequest or StartupMessage. */
export interface StartupPacket {
  readonly code: number;
  readonly bytes: Buffer;
}

/** A typed message (`p` for the client's SASL messages). */
export interface TypedMessage {
  readonly type: string;
  readonly body: Buffer;
}

/** The first complete untyped packet in `buffer`, or undefined while it is incomplete. */
export function readStartupPacket(buffer: Buffer): StartupPacket | undefined {
  if (buffer.length < 8) return undefined;
  const length = buffer.readInt32BE(0);
  if (length < 8 || length > 10_000) throw new Error(`a startup packet of ${length} bytes`);
  if (buffer.length < length) return undefined;
  return { code: buffer.readInt32BE(4), bytes: buffer.subarray(0, length) };
}

/** The first complete typed message in `buffer`, or undefined while it is incomplete. */
export function readTypedMessage(buffer: Buffer): (TypedMessage & { readonly size: number }) | undefined {
  if (buffer.length < 5) return undefined;
  const length = buffer.readInt32BE(1);
  if (length < 4 || length > 10_000) throw new Error(`a message of ${length} bytes during authentication`);
  if (buffer.length < length + 1) return undefined;
  return { type: String.fromCharCode(buffer[0]!), body: buffer.subarray(5, length + 1), size: length + 1 };
}

/** SASLInitialResponse: the mechanism name and the client-first message. */
export function parseSaslInitial(body: Buffer): { mechanism: string; data: string } {
  const end = body.indexOf(0);
  if (end < 0) throw new Error('a SASLInitialResponse without a mechanism');
  const mechanism = body.subarray(0, end).toString('utf8');
  const length = body.readInt32BE(end + 1);
  return { mechanism, data: length < 0 ? '' : body.subarray(end + 5, end + 5 + length).toString('utf8') };
}

export function authSasl(mechanism: string): Buffer {
  return authMessage(AUTH_SASL, Buffer.from(`${mechanism}\0\0`, 'utf8'));
}

export function authSaslContinue(data: string): Buffer {
  return authMessage(AUTH_SASL_CONTINUE, Buffer.from(data, 'utf8'));
}

export function authSaslFinal(data: string): Buffer {
  return authMessage(AUTH_SASL_FINAL, Buffer.from(data, 'utf8'));
}

/** A FATAL ErrorResponse with a SQLSTATE, which clients report and then see the connection closed. */
export function fatalError(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`, 'utf8');
  return typed('E', fields);
}

function authMessage(kind: number, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32BE(kind, 0);
  return typed('R', Buffer.concat([head, data]));
}

function typed(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
