/** Writes good.gb18030.csv: good.csv as a Windows tool exports it (GB 18030, CRLF). Run: npx tsx adapters/market-registry/samples/encode-gb18030.ts */
import fs from 'node:fs';
import iconv from 'iconv-lite';

const utf8 = fs.readFileSync(new URL('./good.csv', import.meta.url), 'utf8');
fs.writeFileSync(
  new URL('./good.gb18030.csv', import.meta.url),
  iconv.encode(utf8.replace(/\r?\n/g, '\r\n'), 'gb18030'),
);
