export type { ScryptHash } from './secret-hash';
export {
  DEFAULT_LOG_COST,
  MAX_LOG_COST,
  SECRET_HASH_PATTERN,
  hashSecret,
  isSecretHash,
  needsRehash,
  parseSecretHash,
  sameText,
  verifyScryptHash,
  verifySecret,
} from './secret-hash';
