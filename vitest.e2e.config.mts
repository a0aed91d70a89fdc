import { defineConfig } from 'vitest/config';

// End-to-end tests in a real VS Code (code-server + Chromium): run by .ci/run after
// ../shared/tools/setup-code-server.sh, not part of `npm test`.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
