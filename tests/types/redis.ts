// Compiles under `strict`: `sobot-channels/redis` over a node-redis client is a TokenStore.
import { createClient } from 'redis';
import { SobotClient, type TokenStore } from 'sobot-channels';
import { redisTokenStore, type RedisTokenStore, type RedisClientLike } from 'sobot-channels/redis';

export async function useRedisStore(url: string): Promise<string> {
  const redis = await createClient({ url }).connect();
  const store: RedisTokenStore = redisTokenStore(redis, { appId: 'a', prefix: 'svc:' });
  const asTokenStore: TokenStore = store;
  const client = new SobotClient({ appId: 'a', appKey: 'k', tokenStore: asTokenStore });
  const held: boolean = await store.lock(10_000);
  if (held) await store.unlock();
  const current = await store.get();
  client.free();
  return `${store.keys.token} ${store.keys.lock} ${current?.token ?? ''} ${current?.expiresAt ?? 0}`;
}

// A test double fits the structural client type.
const fake: RedisClientLike = {
  get: async () => null,
  set: async () => 'OK',
  eval: async () => 0,
};
export const fakeStore = redisTokenStore(fake, { appId: 'b' });

// @ts-expect-error appId is required
redisTokenStore(fake, {});
