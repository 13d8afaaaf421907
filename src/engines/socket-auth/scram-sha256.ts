import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The server side of SCRAM-SHA-256 (RFC 5802 / RFC 7677), the password exchange Postgres clients speak. The
 * password never crosses the socket: the client proves it knows it, and the server proves it back.
 */

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
const ITERATIONS = 4096;

/** What the server keeps instead of the password. */
export interface ScramVerifier {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

export function scramVerifier(password: string, salt = randomBytes(16), iterations = ITERATIONS): ScramVerifier {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  return {
    salt,
    iterations,
    storedKey: sha256(hmac(salted, 'Client Key')),
    serverKey: hmac(salted, 'Server Key'),
  };
}

/** One exchange: feed it the client's two messages in order. Errors say what was malformed or wrong. */
export class ScramExchange {
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';

  constructor(
    private readonly verifier: ScramVerifier,
    private readonly serverNonce = randomBytes(18).toString('base64'),
  ) {}

  /** `n,,n=user,r=nonce` → `r=nonce+ours,s=salt,i=iterations`. */
  first(clientFirst: string): string {
    const match = /^n,[^,]*,(.*)$/.exec(clientFirst);
    if (!match) throw new Error('expected a SCRAM client-first message without channel binding ("n,,…")');
    this.clientFirstBare = match[1]!;
    const clientNonce = attribute(this.clientFirstBare, 'r');
    if (!clientNonce) throw new Error('the SCRAM client-first message has no nonce');
    this.nonce = clientNonce + this.serverNonce;
    const { salt, iterations } = this.verifier;
    this.serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${iterations}`;
    return this.serverFirst;
  }

  /** `c=biws,r=nonce,p=proof` → `v=signature` when the proof holds; throws when it does not. */
  final(clientFinal: string): string {
    const proofAt = clientFinal.lastIndexOf(',p=');
    if (proofAt < 0) throw new Error('the SCRAM client-final message has no proof');
    const withoutProof = clientFinal.slice(0, proofAt);
    if (attribute(withoutProof, 'r') !== this.nonce) throw new Error('the SCRAM nonce does not match');
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const signature = hmac(this.verifier.storedKey, authMessage);
    if (proof.length !== signature.length) throw new Error('wrong secret');
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ signature[i]!));
    if (!timingSafeEqual(sha256(clientKey), this.verifier.storedKey)) throw new Error('wrong secret');
    return `v=${hmac(this.verifier.serverKey, authMessage).toString('base64')}`;
  }
}

function attribute(message: string, name: string): string | undefined {
  const part = message.split(',').find((p) => p.startsWith(`${name}=`));
  return part?.slice(name.length + 1);
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}
