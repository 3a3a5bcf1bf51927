/**
 * The notifier port and its drivers: log (development), webhook (POST JSON to a URL), and an SMS
 * gateway (POST JSON to a configurable URL). A driver throws when a message was not accepted, so
 * the delivery loop retries it.
 */
import type { HubConfig } from '../../../config/index.js';
import { maskPhone } from '../../../platform/graphql/masking.js';
import type { Logger } from '../../../platform/logger.js';
import type { OutboundPolicy } from '../../../platform/outbound/guard.js';
import { postOutbound } from '../../../platform/outbound/post.js';
import type { OutgoingMessage } from './outbox.js';

export interface Notifier {
  readonly name: string;
  send(message: OutgoingMessage): Promise<void>;
}

export class LogNotifier implements Notifier {
  readonly name = 'log';
  constructor(private readonly logger: Logger) {}
  send(m: OutgoingMessage): Promise<void> {
    // Logs are not a place for applicants' phone numbers.
    const recipient = m.audience === 'APPLICANT' ? maskPhone(m.recipient) : m.recipient;
    this.logger.info(
      { notification: m.id, kind: m.kind, audience: m.audience, recipient, text: m.text },
      'notification',
    );
    return Promise.resolve();
  }
}

/** Through the outbound guard: public destinations only (unless allowed), 64 KB of reply at most. */
async function postJson(
  policy: OutboundPolicy,
  url: string,
  body: unknown,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<void> {
  const res = await postOutbound(policy, {
    url,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    timeoutMs,
  });
  if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status} from ${url}`);
}

/** POSTs every message as JSON; any 2xx is success. */
export class WebhookNotifier implements Notifier {
  readonly name = 'webhook';
  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    private readonly policy: OutboundPolicy,
  ) {}
  send(m: OutgoingMessage): Promise<void> {
    return postJson(this.policy, this.url, m, this.timeoutMs, {
      'x-hub-notification-id': m.id,
      'idempotency-key': m.id,
    });
  }
}

/**
 * An HTTP SMS gateway: `{ to, content, reference }` per message, with an optional bearer token.
 * `reference` and the Idempotency-Key header (both the notification id) let the gateway drop a
 * message it has already sent when the hub retries after a lost response.
 */
export class SmsGatewayNotifier implements Notifier {
  readonly name = 'sms';
  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
    private readonly timeoutMs: number,
    private readonly policy: OutboundPolicy,
  ) {}
  send(m: OutgoingMessage): Promise<void> {
    return postJson(
      this.policy,
      this.url,
      { to: m.recipient, audience: m.audience, content: m.text, reference: m.id },
      this.timeoutMs,
      { 'idempotency-key': m.id, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
    );
  }
}

export function createNotifier(config: HubConfig, logger: Logger): Notifier {
  const n = config.notifier;
  switch (n.driver) {
    // src/config refuses these drivers without their URL at start-up; checked again for the type.
    case 'webhook':
      if (!n.webhookUrl) throw new Error('NOTIFIER_DRIVER=webhook needs NOTIFIER_WEBHOOK_URL');
      return new WebhookNotifier(n.webhookUrl, n.timeoutMs, config.outbound);
    case 'sms':
      if (!n.smsGatewayUrl) throw new Error('NOTIFIER_DRIVER=sms needs SMS_GATEWAY_URL');
      return new SmsGatewayNotifier(n.smsGatewayUrl, n.smsGatewayToken, n.timeoutMs, config.outbound);
    default:
      return new LogNotifier(logger);
  }
}
