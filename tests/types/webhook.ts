// Compiles under `strict`: webhook parsing and normalised events are typed,
// and normalised events narrow on `kind`.
import {
  parseEvents, parseLineWebhook, verifyLineSignature, messengerVerifyChallenge, EventDeduper,
  type WebhookEvent, type WebhookEventOf, type WebhookEventKind,
} from 'sobot-channels';

export function handle(body: Uint8Array, signature: string | null): string[] {
  if (!verifyLineSignature(body, 'secret', signature)) return [];
  const seen = new EventDeduper(1000);
  const out: string[] = [];
  for (const event of parseEvents('line', body)) {
    if (seen.isDuplicate(event)) continue;
    if (event.kind === 'message') {
      out.push(event.text ?? '', event.sender.id ?? 'unknown');
      if (event.mentionsBot && event.quoteToken !== null) out.push(event.quoteToken);
      for (const m of event.mentionees) if (m.userId !== null) out.push(`${m.userId}@${m.index}+${m.length}`);
      for (const e of event.emojis) out.push(e.productId + e.emojiId);
      const a = event.attachments[0];
      if (a?.imageSet) out.push(`${a.imageSet.index ?? 0}/${a.imageSet.total ?? 0}`);
      if (event.location?.latitude != null) out.push(event.location.latitude.toFixed(6));
    } else if (event.kind === 'follow') out.push(event.sender?.id ?? '');
    else if (event.kind === 'membership') out.push(event.membership.type);
    else if (event.kind === 'handover') out.push(event.handover.action, event.handover.newOwnerAppId ?? '');
    else if (event.kind === 'unknown') out.push(event.type ?? '', String(event.pageId), event.eventId ?? '');
  }
  const parsed = parseLineWebhook(body, { maxBytes: 1 << 20 });
  out.push(parsed.destination);
  for (const e of parsed.events) {
    if (e.type === 'message' && e.message.type === 'text') out.push(e.message.text ?? '', String(e.message.mention?.mentionees.length));
    // fields this version does not declare are kept, typed `unknown`
    const later: unknown = e['futureField'];
    if (later !== undefined) out.push(JSON.stringify(later));
  }
  const hs = messengerVerifyChallenge({ 'hub.mode': 'subscribe' }, 'token');
  if (hs.ok) out.push(hs.challenge);
  return out;
}

// Each kind carries its own fields only; `WebhookEventOf` names one kind.
export function describe(event: WebhookEvent): string {
  switch (event.kind) {
    case 'message': {
      const m: WebhookEventOf<'message'> = event;
      const chat: 'user' | 'group' | 'room' | undefined = m.chat?.type;
      return `${m.sender.id ?? ''} ${m.attachments.map((a) => a.type).join()} ${chat ?? ''}`;
    }
    case 'delivery':
      // @ts-expect-error a delivery has no text
      void event.text;
      return event.messageIds.join();
    case 'subscription':
      return event.subscription.status;
    case 'upload':
      return event.upload.attachmentId;
    default: {
      const kind: WebhookEventKind = event.kind;
      return kind;
    }
  }
}
// @ts-expect-error not a kind
export type NotAKind = WebhookEventOf<'messages'>;

// The handler: options are a union of the auth modes and channels.
import { createWebhookHandler, toNodeListener, MemoryDedupeStore, type DedupeStore } from 'sobot-channels';

const store: DedupeStore = new MemoryDedupeStore(100);
export const lineHandler = createWebhookHandler({
  channel: 'line',
  secret: 's',
  dedupe: store,
  onEvents: async (events, delivery) => {
    for (const e of events) if (e.kind === 'message') void e.sender.id;
    void delivery.body.byteLength;
  },
});
export const answered: Promise<Response> = lineHandler(new Request('http://h/w'), { waitUntil() {} });
export const listener = toNodeListener(lineHandler);
export const messengerHandler = createWebhookHandler({
  channel: 'messenger', sharedSecret: 't', verifyToken: 'v', deferHandling: true, onEvents() {},
});
// @ts-expect-error a verify token is Messenger's only
createWebhookHandler({ channel: 'line', secret: 's', verifyToken: 'v', onEvents() {} });
// @ts-expect-error one way to authenticate only
createWebhookHandler({ channel: 'line', secret: 's', unsigned: true, onEvents() {} });
