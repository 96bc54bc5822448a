// Prints the browser suite's result as a plain "N passed, N failed" line for CI.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const report = JSON.parse(readFileSync(join(here, 'test-results', 'results.json'), 'utf8'));
const s = report.stats ?? {};
const passed = (s.expected ?? 0) + (s.flaky ?? 0);
const failed = s.unexpected ?? 0;
console.log(`e2e: ${passed} passed, ${failed} failed, ${s.skipped ?? 0} skipped`);
process.exit(failed > 0 ? 1 : 0);
