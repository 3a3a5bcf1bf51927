/**
 * Masks personal data for callers without the scope to read it (keeps enough to recognise it).
 */
export function maskIdNumber(id: string): string {
  if (id.length <= 4) return '*'.repeat(id.length);
  if (id.length < 10) return `${id.slice(0, 1)}${'*'.repeat(id.length - 2)}${id.slice(-1)}`;
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(phone.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}
