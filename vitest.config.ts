import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests run many cases; the default 5 s is too tight on a shared 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The moto suite (test/adapters/aws-sdk) fails the run with the install hint when moto cannot start.
    globalSetup: ['test/adapters/aws-sdk/global-setup.ts'],
  },
});
