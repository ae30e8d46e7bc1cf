import type { Command } from 'commander';
import { cloudOptions, type CloudOptions } from '../options.ts';
import type { NativeFlow } from '../../core/verify/index.ts';
import type { Endpoint, Flow } from '../../core/policy/intent.ts';
import type { Workload } from '../../core/model/inventory.ts';
import { parseAddress } from '../../core/model/address.ts';
import { parsePortSpec } from '../../core/model/ports.ts';
import { ExitRequest, type Io } from '../io.ts';

interface ExplainOptions extends CloudOptions {
  from: string;
  to: string;
  port: string;
  apply: boolean;
}

/** `segsync explain --from X --to Y --port tcp/5432`: the policy's answer and each cloud's, with the rules that decided. */
export function registerExplain(program: Command, io: Io): void {
  cloudOptions(
    program.command('explain').description('allowed or denied, by which policy rule, enforced by which native rule'),
  )
    .requiredOption('--from <workload|ip>', 'source: an instance id/name (i-web1, vm-app1) or an IP address')
    .requiredOption('--to <workload|ip>', 'destination: an instance id/name or an IP address')
    .requiredOption('--port <spec>', 'tcp/5432, udp/53 or icmp')
    .option('--no-apply', 'explain the estate as seeded, without applying first')
    .action(async (opts: ExplainOptions) => {
      const { loadClouds } = await import('../context.ts');
      const { readWorld, reconcile } = await import('../../adapters/reconcile.ts');
      const { explainNative } = await import('../../core/verify/index.ts');
      const { allows } = await import('../../core/policy/intent.ts');
      const { policy, clouds, ctx, save } = loadClouds(opts, io);
      if (opts.apply) await reconcile(policy, clouds, ctx, { onStep: save });
      const world = await readWorld(clouds);
      const src = resolve(opts.from, world.inventory.workloads, io);
      const dst = resolve(opts.to, world.inventory.workloads, io);
      const port = parsePortSpec(opts.port);
      if (
        !port.ok ||
        port.value.protocol === 'any' ||
        (port.value.protocol !== 'icmp' && port.value.from !== port.value.to)
      ) {
        io.err(`error: --port ${opts.port}: give one protocol and port, e.g. tcp/5432, udp/53 or icmp\n`);
        throw new ExitRequest(1);
      }
      const spec = port.value;
      const flow: Flow = {
        src: src.endpoint,
        dst: dst.endpoint,
        protocol: spec.protocol,
        ...(spec.protocol === 'icmp' ? {} : { port: spec.from }),
      };
      const d = allows(policy, flow);
      io.out(
        `${opts.from} → ${opts.to} ${opts.port}: ${d.allowed ? 'ALLOWED' : 'DENIED'} by the policy (${d.reason})\n`,
      );
      io.out(`  source ${d.src}, destination ${d.dst}\n`);
      if (d.allowRules.length) io.out(`  allow rules matching: ${d.allowRules.join(', ')}\n`);
      if (d.denyRules.length) io.out(`  deny rules matching:  ${d.denyRules.join(', ')}\n`);
      const native: NativeFlow = {
        src: src.native,
        dst: dst.native,
        protocol: flow.protocol,
        ...(flow.port !== undefined ? { port: flow.port } : {}),
      };
      if (d.checks.egress !== undefined && src.workload) {
        const v = explainNative(world.state, src.workload.cloud, 'egress', native);
        io.out(
          `  egress  at ${src.workload.cloud} ${src.native.attachment}: ${v.allowed ? 'allowed' : 'denied'} by ${v.by}\n`,
        );
      }
      if (d.checks.ingress !== undefined && dst.workload) {
        const v = explainNative(world.state, dst.workload.cloud, 'ingress', native);
        io.out(
          `  ingress at ${dst.workload.cloud} ${dst.native.attachment}: ${v.allowed ? 'allowed' : 'denied'} by ${v.by}\n`,
        );
      }
      if (d.checks.egress === undefined && d.checks.ingress === undefined)
        io.out('  neither end is enforced by segsync\n');
    });
}

function resolve(
  text: string,
  workloads: readonly Workload[],
  io: Io,
): { endpoint: Endpoint; native: NativeFlow['src']; workload?: Workload } {
  const w = workloads.find((x) => x.nativeId === text || x.id === text || x.id.endsWith(`/${text}`));
  if (w) {
    const address = w.addresses[0]!;
    return { endpoint: { ...w, address }, native: { address, attachment: w.attachments[0]?.id }, workload: w };
  }
  if (parseAddress(text).ok) return { endpoint: text, native: { address: text } };
  io.err(
    `error: "${text}" is neither a known instance (${workloads
      .slice(0, 5)
      .map((x) => x.nativeId)
      .join(', ')}, …) nor an IP address\n`,
  );
  throw new ExitRequest(1);
}
