/**
 * The written decision not to accept (不予受理决定书, Administrative Licensing Law art. 32 (1) and
 * art. 38): the reason, the law, and the applicant's rights of review and suit. In Chinese,
 * printable, times in Beijing time.
 */
import { shanghaiTimeHtml } from '../../../web/time.js';
import { esc, page, type ReceiptView } from './pages.js';

/** The receipt fields the decision needs, plus the decision itself. */
export interface DecisionView extends Pick<
  ReceiptView,
  'receiptNumber' | 'itemCode' | 'itemName' | 'applicantName' | 'submittedAt' | 'department' | 'state'
> {
  notAcceptedAt: string | null;
  notAcceptedReason: string | null;
}

export function decisionPage(d: DecisionView): string {
  const dept = esc(d.department?.name ?? '');
  return page(
    `不予受理决定书 ${d.receiptNumber}`,
    `<h1>不予受理决定书</h1><p class="muted">受理编号 ${esc(d.receiptNumber)}</p>
<div class="card"><p>${esc(d.applicantName)}：</p>
<p>本机关于 ${shanghaiTimeHtml(d.submittedAt)}（北京时间）收到你（单位）提出的“${esc(d.itemName)}”（事项编码 ${esc(d.itemCode)}）申请。经审查，${esc(d.notAcceptedReason ?? '')}。</p>
<p>根据《中华人民共和国行政许可法》第三十二条第一款的规定，本机关决定不予受理。</p>
<p>如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。</p>
<p style="text-align:right">${dept}<br>${d.notAcceptedAt ? `${shanghaiTimeHtml(d.notAcceptedAt)}（北京时间）` : ''}</p></div>
<p class="noprint"><button onclick="window.print()">打印决定书</button></p>`,
  );
}
