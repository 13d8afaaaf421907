/** What the SDK hands back as a GetObject body in Node: a Readable with `transformToByteArray` mixed in. */
export type ObjectBody = Partial<AsyncIterable<Uint8Array>> & { transformToByteArray(): Promise<Uint8Array> };

/**
 * Reads a response body into one buffer allocated up front at `contentLength`, so a large object costs its size
 * once, not twice (collecting chunks and concatenating them holds both copies at the peak).
 * Throws if the stream delivers more or fewer bytes than announced.
 */
export async function readIntoBuffer(body: ObjectBody, contentLength: number | undefined): Promise<Buffer> {
  if (contentLength === undefined || body[Symbol.asyncIterator] === undefined) {
    const bytes = await body.transformToByteArray();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength); // a view, not a copy
  }
  const out = Buffer.allocUnsafeSlow(contentLength); // unpooled: the result may live long, keep it off shared slabs
  let offset = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    if (offset + chunk.byteLength > contentLength) {
      throw new Error(`the body is longer than its Content-Length of ${contentLength} bytes`);
    }
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  if (offset !== contentLength) {
    throw new Error(`the body ended after ${offset} of ${contentLength} bytes (Content-Length)`);
  }
  return out;
}
