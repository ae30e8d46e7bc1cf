import type { Command } from 'commander';
import { cloudOptions, type CloudOptions } from '../options.ts';
import { ExitRequest, type Io } from '../io.ts';
import type { Party } from '../explain.ts';

interface ExplainOptions extends CloudOptions {
  from: string;
  to: string;
  port: string;
  apply: boolean;
  json?: boolean;
}

const WHAT = 'an instance (id, name or Name tag), a segment, an external, a CIDR or an IP address';

/**
 * `segsync explain --from X --to Y --port tcp/5432`: the policy's answer and each cloud's, with
 * the rules that decided. Between segments, the policy is asked for every workload pair and the
 * clouds for one representative pair.
 */
export function registerExplain(program: Command, io: Io): void {
  cloudOptions(
    program.command('explain').description('allowed or denied, by which policy rule, enforced by which native rule'),
  )
    .requiredOption('--from <who>', `source: ${WHAT}`)
    .requiredOption('--to <who>', `destination: ${WHAT}`)
    .requiredOption('--port <spec>', 'one protocol and port: tcp/5432, udp/53 or icmp')
    .option('--no-apply', 'explain the estate as seeded, without applying first')
    .option('--json', 'print the answer as data')
    .addHelpText(
      'after',
      '\nExamples:\n  segsync explain … --from i-prod-web1 --to i-prod-app1 --port tcp/8080\n  segsync explain … --from dev --to prod --port tcp/5432     (segments)\n  segsync explain … --from internet --to 10.10.1.10 --port tcp/443',
    )
    .action(async (opts: ExplainOptions) => {
      const { distinctEnds, endpointOf, parseOnePort, resolveParty } = await import('../explain.ts');
      const port = parseOnePort(opts.port);
      if (typeof port === 'string') {
        io.err(`error: --port ${port}\n`);
        throw new ExitRequest(1);
      }
      const { loadClouds } = await import('../context.ts');
      const { readWorld, reconcile } = await import('../../adapters/reconcile.ts');
      const { explainNative } = await import('../../core/verify/index.ts');
      const { allows } = await import('../../core/policy/intent.ts');
      const { policy, clouds, ctx, save } = await loadClouds(opts, io);
      if (opts.apply) await reconcile(policy, clouds, ctx, { onStep: save });
      const world = await readWorld(clouds);
      const parties = [opts.from, opts.to].map((text, i) => {
        const p = resolveParty(text, policy, world.inventory.workloads);
        if (typeof p === 'string') io.err(`error: --${i === 0 ? 'from' : 'to'} ${p}\n`);
        return p;
      });
      if (parties.some((p) => typeof p === 'string')) throw new ExitRequest(1);
      const src = parties[0] as Party;
      const dst = distinctEnds(src, parties[1] as Party, policy);
      const portText = port.protocol === 'icmp' ? 'icmp' : `${port.protocol}/${port.port}`;
      const flowOf = (a: Party, b: Party) => ({ src: endpointOf(a), dst: endpointOf(b), ...port });
      const d = allows(policy, flowOf(src, dst));

      // Segment ends: the policy over every pair of their workloads (the representative is one of them).
      const each = (p: Party): Party[] =>
        p.members?.map((w) => ({ ...p, kind: 'instance', workload: w, address: w.addresses[0]! })) ?? [p];
      const pairs =
        src.members || dst.members
          ? each(src).flatMap((a) =>
              each(dst)
                .filter((b) => !a.workload || a.workload !== b.workload)
                .map((b) => ({
                  from: a.workload?.nativeId ?? a.address,
                  to: b.workload?.nativeId ?? b.address,
                  allowed: allows(policy, flowOf(a, b)).allowed,
                })),
            )
          : undefined;

      const native = (['egress', 'ingress'] as const).flatMap((side) => {
        const end = side === 'egress' ? src : dst;
        if (d.checks[side] === undefined || !end.workload) return [];
        const v = explainNative(world.state, end.workload.cloud, side, {
          src: { address: src.address, attachment: src.workload?.attachments[0]?.id },
          dst: { address: dst.address, attachment: dst.workload?.attachments[0]?.id },
          ...port,
        });
        return [
          {
            side,
            cloud: end.workload.cloud,
            attachment: end.workload.attachments[0]?.id ?? '',
            allowed: v.allowed,
            by: v.by,
          },
        ];
      });

      if (opts.json) {
        const party = (p: Party) => ({
          input: p.input,
          kind: p.kind,
          address: p.address,
          meaning: p.meaning,
          ...(p.workload ? { workload: p.workload.id } : {}),
          ...(p.members ? { members: p.members.map((w) => w.id) } : {}),
        });
        return io.out(
          `${JSON.stringify(
            {
              from: party(src),
              to: party(dst),
              port: portText,
              policy: d,
              ...(pairs
                ? { pairs: { total: pairs.length, allowed: pairs.filter((p) => p.allowed).length, each: pairs } }
                : {}),
              native,
            },
            null,
            2,
          )}\n`,
        );
      }
      io.out(`from ${src.meaning}\n  to ${dst.meaning}\n`);
      if (pairs) {
        const allowed = pairs.filter((p) => p.allowed).length;
        const verdict =
          allowed === pairs.length ? 'ALLOWED for all' : allowed === 0 ? 'DENIED for all' : `ALLOWED for ${allowed} of`;
        io.out(
          `${opts.from} → ${opts.to} ${portText}: ${verdict} ${pairs.length} workload pair${pairs.length === 1 ? '' : 's'} by the policy\n`,
        );
        if (allowed > 0 && allowed < pairs.length)
          for (const p of pairs.filter((x) => !x.allowed).slice(0, 5)) io.out(`  denied: ${p.from} → ${p.to}\n`);
        io.out('representative pair, as the clouds enforce it:\n');
      }
      const a = src.workload?.nativeId ?? src.address;
      const b = dst.workload?.nativeId ?? dst.address;
      io.out(
        `${pairs ? `${a} → ${b}` : `${opts.from} → ${opts.to}`} ${portText}: ${d.allowed ? 'ALLOWED' : 'DENIED'} by the policy (${d.reason})\n`,
      );
      io.out(`  source ${d.src}, destination ${d.dst}\n`);
      if (d.allowRules.length) io.out(`  allow rules matching: ${d.allowRules.join(', ')}\n`);
      if (d.denyRules.length) io.out(`  deny rules matching:  ${d.denyRules.join(', ')}\n`);
      for (const n of native)
        io.out(`  ${n.side.padEnd(7)} at ${n.cloud} ${n.attachment}: ${n.allowed ? 'allowed' : 'denied'} by ${n.by}\n`);
      if (d.checks.egress === undefined && d.checks.ingress === undefined)
        io.out('  neither end is enforced by segsync\n');
    });
}
