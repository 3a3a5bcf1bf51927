/**
 * Upload checks: the type is read from the first bytes (magic numbers), never from the name or
 * the browser's Content-Type, and the size is limited by configuration.
 */
import type { HallConfig } from '../../config/index.js';
import { badInput } from '../../platform/errors.js';

export type FileKind = 'pdf' | 'jpeg' | 'png';

const CONTENT_TYPES: Record<FileKind, string> = { pdf: 'application/pdf', jpeg: 'image/jpeg', png: 'image/png' };

export function sniff(bytes: Buffer): FileKind | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  return null;
}

/** The stored content type of an acceptable upload; BAD_USER_INPUT otherwise. */
export function checkUpload(config: HallConfig, bytes: Buffer): string {
  if (bytes.length === 0) throw badInput('文件为空', { field: 'file' });
  if (bytes.length > config.uploadMaxBytes) {
    throw badInput(`文件超过${(config.uploadMaxBytes / 1024 / 1024).toFixed(0)}MB`, {
      field: 'file',
      maxBytes: config.uploadMaxBytes,
    });
  }
  const kind = sniff(bytes);
  if (!kind || !config.uploadTypes.includes(kind)) {
    throw badInput(`只接受${config.uploadTypes.map((t) => t.toUpperCase()).join('、')}文件`, {
      field: 'file',
      accepted: config.uploadTypes,
    });
  }
  return CONTENT_TYPES[kind];
}

/** A file name safe to store and show: no path, no control characters, at most 120 characters. */
export function cleanFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f"<>]/g, '').trim();
  return base.slice(0, 120) || 'file';
}
