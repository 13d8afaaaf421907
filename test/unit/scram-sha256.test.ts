import { ScramExchange, scramVerifier } from '../../src/engines/socket-auth/scram-sha256';

// The exchange of RFC 7677 §3 (user "user", password "pencil"): a client that follows the RFC must be accepted,
// and the server's signature must be the one the RFC's client checks.
const SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
const SERVER_NONCE = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const NONCE = `rOprNGfwEbeRWgbNEkqO${SERVER_NONCE}`;

describe('SCRAM-SHA-256 server side', () => {
  const exchange = (password = 'pencil') => new ScramExchange(scramVerifier(password, SALT, 4096), SERVER_NONCE);

  test('accepts the RFC 7677 client and answers with its server signature', () => {
    const scram = exchange();
    expect(scram.first('n,,n=user,r=rOprNGfwEbeRWgbNEkqO')).toBe(`r=${NONCE},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`);
    expect(scram.final(`c=biws,r=${NONCE},p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=`)).toBe(
      'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    );
  });

  test('refuses the same proof when the server holds another password', () => {
    const scram = exchange('not pencil');
    scram.first('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    expect(() => scram.final(`c=biws,r=${NONCE},p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=`)).toThrow(
      'wrong secret',
    );
  });

  test('refuses a replayed proof under a different nonce, a missing proof, and channel binding it does not offer', () => {
    const scram = exchange();
    scram.first('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    expect(() => scram.final('c=biws,r=someoneelse,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')).toThrow(
      'nonce does not match',
    );
    expect(() => scram.final(`c=biws,r=${NONCE}`)).toThrow('no proof');
    expect(() => exchange().first('p=tls-server-end-point,,n=user,r=abc')).toThrow('without channel binding');
  });
});
