/**
 * Compute Engine rate quotas, per project (one plan location). GCP counts requests per 60-second
 * window by method group and answers 403 rateLimitExceeded beyond (CLOUD-FACTS §3.4, §3.6;
 * https://cloud.google.com/compute/docs/api-rate-limits): global mutations (firewall rules) and
 * reads historically 1,500 / min each. setTags is a zonal method; our notes have no separate
 * figure for zonal mutations, so it is paced with the same default [?]. A bucket of size C
 * refilling at r never overflows a window of N per 60 s when C + 60·r ≤ N: C = 100, r = 23 / s.
 * Waiting on the returned Operation (done by the real client) is not counted.
 */
import type { GcpStep } from '../../core/plan/gcp-steps.ts';
import type { Step } from '../../core/plan/step.ts';
import type { RateTable } from './rates.ts';

const DOC = 'CLOUD-FACTS §3.4/§3.6: https://cloud.google.com/compute/docs/api-rate-limits';

export const GCP_RATES: RateTable = {
  cloud: 'gcp',
  location: 'project',
  categories: {
    read: { capacity: 100, refillPerSecond: 23, source: DOC, note: 'read requests 1,500 / min' },
    'global-mutation': { capacity: 100, refillPerSecond: 23, source: DOC, note: 'global mutations 1,500 / min' },
    'zonal-mutation': {
      capacity: 100,
      refillPerSecond: 23,
      source: DOC,
      note: 'zonal mutations (setTags): assumed like global mutations [?]',
    },
  },
  methods: {
    listInstances: { categories: ['read'], write: false },
    listFirewalls: { categories: ['read'], write: false },
    getInstance: { categories: ['read'], write: false },
    getFirewall: { categories: ['read'], write: false },
    insertFirewall: { categories: ['global-mutation'], write: true },
    updateFirewall: { categories: ['global-mutation'], write: true },
    deleteFirewall: { categories: ['global-mutation'], write: true },
    setTags: { categories: ['zonal-mutation'], write: true },
  },
  fallback: { categories: ['global-mutation'], write: true },
  maxInFlight: 100,
  stepCalls: (step: Step) => ((step as GcpStep).kind === 'set-tags' ? ['setTags'] : ['insertFirewall']),
};
