export { startEmulatorServer, delay } from './emulator-server';
export type {
  EmulatorRequest,
  EmulatorResponse,
  EmulatorHandler,
  EmulatorServer,
  EmulatorServerOptions,
  RecordedCall,
} from './emulator-server';
export { FaultInjector } from './fault-injector';
export type { FaultKind, FaultSettings } from './fault-injector';
export { Router } from './router';
export { RollingWindowLimit, DailyAllowance } from './rate-limits';
export { createSeededRandom } from './seeded-random';
