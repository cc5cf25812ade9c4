import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/oracle-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // Suites that build C code share .lxss/; run files one at a time to keep that simple.
    fileParallelism: false,
  },
});
