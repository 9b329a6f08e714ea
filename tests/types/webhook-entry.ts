// Compiles under `strict`: `sobot-channels/webhook` carries the webhook types,
// and its SobotError is the whole package's.
import { parseEvents, verifyLineSignature, EventDeduper, SobotError, type WebhookEvent } from 'sobot-channels/webhook';
import { SobotError as FullSobotError } from 'sobot-channels';

export function handle(body: Uint8Array, secret: string, signature: string | null): string[] {
  if (!verifyLineSignature(body, secret, signature)) return [];
  const seen = new EventDeduper(100);
  try {
    const events: WebhookEvent[] = parseEvents('line', body);
    return events.filter((e) => !seen.isDuplicate(e)).map((e) => e.kind);
  } catch (e) {
    if (e instanceof SobotError) {
      const same: FullSobotError = e;
      return [same.kind];
    }
    throw e;
  }
}

// @ts-expect-error the clients are not in the webhook entry
import { SobotClient } from 'sobot-channels/webhook';
export const notThere = SobotClient;
