import { enroll } from "@sikkerkey/sdk";
import { publicKeyPemFromPrivate } from "@sikkerkey/signing";
import type { AdminApi } from "./admin-api.js";
import type { BenchObjects } from "./objects.js";

export interface BenchMachine {
  id: string;
  name: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

/** Enrolled machines, handed out once each: a machine's first read is a mint, later ones are not. */
export interface MachinePool {
  take(n: number): BenchMachine[];
  readonly left: number;
}

/**
 * Enrolls `count` machines the way a real one does (SDK `enroll`: key pair made locally, request
 * signed with it), with an auto-approving token that grants the bench project.
 */
export async function enrollMachines(
  baseUrl: string,
  api: AdminApi,
  objects: BenchObjects,
  count: number,
): Promise<MachinePool> {
  const { token } = await api.post<{ token: string }>("/enrollment-tokens", {
    vault: objects.vault,
    uses: count,
    autoApprove: true,
    projects: [objects.project],
    ttlSeconds: 3600,
  });
  const machines: BenchMachine[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const { identity, machine } = await enroll({ server: baseUrl, token, name: `bench-${i}` });
      machines[i] = {
        id: machine.machineId,
        name: machine.name,
        privateKeyPem: identity.privateKeyPem,
        publicKeyPem: publicKeyPemFromPrivate(identity.privateKeyPem),
      };
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  let used = 0;
  return {
    take(n) {
      const left = machines.length - used;
      if (n > left) throw new Error(`bench: ${n} more machines wanted, ${left} left`);
      const taken = machines.slice(used, used + n);
      used += n;
      return taken;
    },
    get left() {
      return machines.length - used;
    },
  };
}
