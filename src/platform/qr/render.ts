/** QR code images (PNG for print and download, SVG for pages) of a hub URL, rendered locally by `qrcode`. */
import QRCode from 'qrcode';

/**
 * 'M' (15 % recovery) survives the scuffs and folds of a paper licence while keeping a ~260
 * character URL at version 12 (65 modules); 'Q' or 'H' would make the code denser and harder to
 * scan at the same printed size. Four modules of quiet zone is the minimum ISO/IEC 18004 asks for.
 */
const ERROR_CORRECTION = 'M';
const QUIET_ZONE_MODULES = 4;
/**
 * Whole pixels per module keep edges sharp when the image is scaled for print: a version-12 code
 * becomes 584 px, about 25 mm at 600 dpi or 50 mm at 300 dpi.
 */
const PNG_PIXELS_PER_MODULE = 8;

/** A black-on-white PNG of the URL, for printing on a licence. */
export async function qrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, {
    type: 'png',
    errorCorrectionLevel: ERROR_CORRECTION,
    margin: QUIET_ZONE_MODULES,
    scale: PNG_PIXELS_PER_MODULE,
    color: { dark: '#000000ff', light: '#ffffffff' },
  });
}

/** An SVG of the URL; it has a viewBox and no fixed size, so the page or print stylesheet sizes it. */
export async function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, {
    type: 'svg',
    errorCorrectionLevel: ERROR_CORRECTION,
    margin: QUIET_ZONE_MODULES,
    color: { dark: '#000000ff', light: '#ffffffff' },
  });
}
