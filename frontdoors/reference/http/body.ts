/**
 * Bodies the front door reads itself (OWA forms, Autodiscover POX): bounded, so an oversized or
 * endless body costs a fixed amount of memory and gets 413 (RULES.md SEC-04).
 */
import { BadRequestError } from '../errors.ts';
import type { FrontRequest } from './front-types.ts';

/** Read the request body up to `limit` bytes; BadRequestError(413) past it. */
export async function readBody(req: FrontRequest, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw new BadRequestError(`request body of ${declared} bytes is over the ${limit}-byte limit`, 413);
  }
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of req) {
    n += (chunk as Buffer).length;
    if (n > limit) {
      req.resume();
      throw new BadRequestError(`request body over the ${limit}-byte limit`, 413);
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}
