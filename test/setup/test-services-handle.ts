import type { RunningServices } from '../../services/start-services';

/**
 * globalSetup and globalTeardown run in the same process but may load separate module copies, so the handle
 * travels on globalThis under this key.
 */
export const TEST_SERVICES_KEY = '__temporalXcomTestServices';

export interface TestServicesHandle {
  services: RunningServices;
  adminUrl: string;
  template: string;
}
