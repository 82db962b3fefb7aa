export { createLocalSecretCipher, keyId, parseSecretKey } from './local-secret-cipher';
