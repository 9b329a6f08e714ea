// sobot-channels/testing: the local Sobot and Graph emulator (Node only), the one
// the package's own tests run against (tests/emulator/ in the repository).
export { startEmulator } from './testing/emulator/index.mjs';
