/**
 * What the lab PKI must hold for a topology: one entry per certificate, with its names and address.
 * Pure data drawn from the topology; certs.ts turns each entry into a certificate.
 */
import type { ServerSpec, Topology } from '../topology/index.ts';

export type CertKind = 'server' | 'front-door' | 'namespace';

export interface CertPlan {
  /** Unique within the PKI; also the file name base on export (`<id>.crt`). */
  readonly id: string;
  readonly kind: CertKind;
  /** The name this entry is looked up by: server FQDN, namespace name, or `front-door`. */
  readonly key: string;
  /** Subject CN. */
  readonly commonName: string;
  /** SAN DNS names, in order, without duplicates. */
  readonly names: string[];
  /** The loopback address the names resolve to (a SAN IP unless self-signed). */
  readonly address: string;
  readonly selfSigned: boolean;
}

/** Every certificate of the lab besides the CA, in a stable order. */
export function planCertificates(t: Topology): CertPlan[] {
  const plans: CertPlan[] = [];
  const fd = t.frontDoor;
  plans.push({ id: 'front-door', kind: 'front-door', key: 'front-door', commonName: fd.namespaces[0]!, names: unique(fd.namespaces), address: fd.address, selfSigned: false });
  for (const s of t.servers) plans.push(serverPlan(s));
  const taken = new Set(plans.map((p) => p.id));
  for (const ns of t.namespaces) {
    const target = ns.target === 'front-door' ? fd.address : t.servers.find((s) => `server:${s.fqdn}` === ns.target)?.address;
    // A namespace may share its name with a server FQDN (the schema does not forbid it): keep ids unique.
    const id = taken.has(ns.name) ? `namespace-${ns.name}` : ns.name;
    taken.add(id);
    plans.push({ id, kind: 'namespace', key: ns.name, commonName: ns.name, names: [ns.name], address: target ?? fd.address, selfSigned: false });
  }
  return plans;
}

function serverPlan(s: ServerSpec): CertPlan {
  if (s.certificate === 'self-signed') {
    // 003 Note: "They can use the self-signed certificate that is installed by default with Exchange 2007."
    // That certificate names the host: CN = the short (NetBIOS) name, SAN = short name and FQDN.
    const short = s.fqdn.split('.')[0]!;
    return { id: s.fqdn, kind: 'server', key: s.fqdn, commonName: short, names: unique([short, s.fqdn, ...s.aliases]), address: s.address, selfSigned: true };
  }
  return { id: s.fqdn, kind: 'server', key: s.fqdn, commonName: s.fqdn, names: unique([s.fqdn, ...s.aliases, ...s.namespaces]), address: s.address, selfSigned: false };
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}
