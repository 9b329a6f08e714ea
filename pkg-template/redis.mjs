// `sobot-channels/redis`, ES modules: the same module as `require('sobot-channels/redis')`.
import cjs from './redis.cjs';

export const { redisTokenStore, redisDedupeStore } = cjs;
