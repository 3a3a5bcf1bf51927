/**
 * Instants as the public pages show them: Beijing time (Asia/Shanghai), whatever the server's time zone.
 */

// One formatter for every page: created once, since building an Intl formatter costs far more than using it.
const SHANGHAI = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** An instant in Beijing time. */
export interface ShanghaiTime {
  /** Wall-clock time as people read it: '2026-11-29 06:40:13'. */
  text: string;
  /** The same instant with its offset, for `<time datetime>`: '2026-11-29T06:40:13+08:00'. */
  iso: string;
}

/** Beijing wall-clock time of an instant (a Date or an ISO 8601 string such as a GraphQL DateTime). */
export function shanghaiTime(instant: Date | string): ShanghaiTime {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (!Number.isFinite(date.getTime())) throw new RangeError(`shanghaiTime: not an instant: ${String(instant)}`);
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of SHANGHAI.formatToParts(date)) part[p.type] = p.value;
  const day = `${part.year}-${part.month}-${part.day}`;
  const time = `${part.hour}:${part.minute}:${part.second}`;
  return { text: `${day} ${time}`, iso: `${day}T${time}+08:00` };
}

/** An instant as page HTML, `<time datetime="2026-11-29T06:40:13+08:00">2026-11-29 06:40:13</time>`; pages say 北京时间 once. */
export function shanghaiTimeHtml(instant: Date | string): string {
  const t = shanghaiTime(instant);
  // Both strings are built from digits and separators only, so they need no escaping.
  return `<time datetime="${t.iso}">${t.text}</time>`;
}
