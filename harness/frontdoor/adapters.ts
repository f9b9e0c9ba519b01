/**
 * The real-proxy launchers, registered by name for `--front-door <name>` (registry.ts imports this file).
 */
import { registerLauncher } from './registry.ts';
import { createApacheFrontDoor } from './adapters/apache.ts';
registerLauncher('apache', createApacheFrontDoor);
