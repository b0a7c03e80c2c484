// Registers esm-resolve-hooks.mjs: node --import ./esm-resolve.mjs (see there why).
import { register } from 'node:module';

register('./esm-resolve-hooks.mjs', import.meta.url);
