/**
 * QR codes as the API exposes them: a signed token, the hub URL it encodes, and where the
 * images are served. Resolvers in any subgraph use this; tokens are checked by tokens.ts.
 */
import { signQrToken, type QrTarget } from './tokens.js';
import type { QrKeyRing } from './keys.js';

export interface QrCodeLink {
  token: string;
  /** The URL encoded in the QR code: opens the verification page. */
  url: string;
  pngUrl: string;
  svgUrl: string;
}

/**
 * `issuedAt` is the record's creation time, so a record's QR code stays the same (Ed25519
 * signatures are deterministic) until the signing key is rotated.
 */
export async function qrCodeLink(
  ring: QrKeyRing,
  publicUrl: string,
  target: QrTarget,
  issuedAt: Date,
): Promise<QrCodeLink> {
  const token = await signQrToken(ring, target, issuedAt);
  const url = `${publicUrl}/q/${token}`;
  return { token, url, pngUrl: `${url}/qr.png`, svgUrl: `${url}/qr.svg` };
}
