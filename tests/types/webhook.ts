// Compiles under `strict`: webhook parsing and normalised events are typed,
// and normalised events narrow on `kind`.
import { parseEvents, parseLineWebhook, verifyLineSignature, messengerVerifyChallenge, EventDeduper } from 'sobot-channels';

export function handle(body: Uint8Array, signature: string | null): string[] {
  if (!verifyLineSignature(body, 'secret', signature)) return [];
  const seen = new EventDeduper(1000);
  const out: string[] = [];
  for (const event of parseEvents('line', body)) {
    if (seen.isDuplicate(event)) continue;
    if (event.kind === 'message') out.push(event.text ?? '');
    else if (event.kind === 'follow') out.push(event.sender?.id ?? '');
  }
  const parsed = parseLineWebhook(body, { maxBytes: 1 << 20 });
  out.push(parsed.destination);
  const hs = messengerVerifyChallenge({ 'hub.mode': 'subscribe' }, 'token');
  if (hs.ok) out.push(hs.challenge);
  return out;
}
