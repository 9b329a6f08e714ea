// Node, ES modules: the same instance as `require('sobot-channels')`.
import cjs from './index.node.cjs';

export const {
  init,
  /*@esm-names*/
} = cjs;
