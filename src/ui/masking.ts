/**
 * What the page hides as `***`: the project's one masking rule (src/masking/), shared with the CLI. Masking the
 * bare key (`['api_token']`) hides the whole value, and its download.
 */
export {
  defaultMask,
  maskFromEnv,
  MASKED_TEXT,
  noMask,
  SENSITIVE_NAMES,
  type Mask,
  type ValuePath,
} from '../masking/sensitive-names';
