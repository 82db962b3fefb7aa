export { createKmsSecretCipher, type KmsSecretCipherOptions } from './kms-secret-cipher';
export { createLocalSecretCipher, keyId, parseSecretKey } from './local-secret-cipher';
