/**
 * The topology variant HC-06 needs: `contoso` with one Site3 CAS2010 taken out of service (001: "If for
 * some reason, you would like to ensure a particular CAS2010 is never considered a proxy endpoint ... you
 * can do so by executing ... Set-ClientAccessServer <server> -IsOutofService $True"). Registered as
 * `contoso-outofservice` in harness/topology/defaults/variants.ts (the suite selects it by that name).
 * @example
 * variants['contoso-outofservice'] = contosoOutOfService;
 */
import type { TopologyInput } from '../../harness/topology/index.ts';
import { contoso } from '../../harness/topology/defaults/contoso.ts';

/** The CAS2010 of Site3 that is out of service in the variant; its peer cas2010a stays in service. */
export const OUT_OF_SERVICE_CAS = 'cas2010b.site3.contoso.lab';

export function contosoOutOfService(): TopologyInput {
  const doc = structuredClone(contoso);
  return {
    ...doc,
    name: 'contoso-outofservice',
    description: `${contoso.description} Variant: ${OUT_OF_SERVICE_CAS} has IsOutOfService $true (001).`,
    servers: doc.servers.map((s) => (s.fqdn === OUT_OF_SERVICE_CAS ? { ...s, isOutOfService: true } : s)),
  };
}
