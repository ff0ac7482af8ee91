// The rate limiter's public surface: counters in PostgreSQL shared by all server processes.
export { RateLimitArgumentError } from './errors.ts';
export { hit, type HitOptions, type HitResult, type Limit } from './hit.ts';
export { ipSubject } from './ip-subject.ts';
export {
  DEFAULT_POLICIES,
  POLICY_ENV,
  UPLOAD_PER_IP,
  VERIFY_MAIL_PER_ADDRESS,
  VERIFY_MAIL_PER_IP,
  hitPolicy,
  parseLimit,
  ratePolicies,
  ratePoliciesFromEnv,
  type Policies,
  type Policy,
  type PolicyName,
  type PolicyOverrides,
} from './policies.ts';
export { pruneRateLimits, startRateLimitPruner, type PruneOptions, type RateLimitPruner } from './prune.ts';
