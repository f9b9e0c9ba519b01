/**
 * The probe file: what `cas-conformance probe` saw of one Client Access server, versioned
 * (`format` + `version`) and validated with zod. Every field is something a mock CAS claims to
 * reproduce (PROTOCOL-FACTS.md, docs/legacy-behaviour.md); fields.ts says which rules read each one.
 *
 * Privacy: the file never holds a password, a cookie value, an NTLM challenge, a certificate's SAN
 * names or dates; with `redacted: true` (the default) host names are placeholders (`<target>`,
 * `<target-short>`, `<host-N>`) and certificate subject/issuer values are `<redacted>` unless they
 * are such a name. The target's scheme, host and port inside URLs are always written `<origin>`,
 * so probes of one server on different ports compare equal.
 */
import { z } from 'zod';

export const PROBE_FORMAT = 'cas-conformance-probe';
export const PROBE_VERSION = 1;

/** The vdirs the probe visits, in order (mocks/http/vdirs, PROTOCOL-FACTS "The Exchange 2013 health probe"). */
export const VDIR_NAMES = ['owa', 'ecp', 'powershell', 'ews', 'eas', 'autodiscover', 'oab', 'rpc'] as const;
export type ProbeVdir = (typeof VDIR_NAMES)[number];

/** One HTTP exchange as the probe keeps it: status, the offers of a 401, selected headers. */
export const HttpAnswer = z.strictObject({
  /** `GET /owa/`: what was sent (not compared). */
  request: z.string(),
  /** null when no HTTP answer came (see `error`). */
  status: z.number().int().nullable(),
  /** Transport failure (connection refused, reset, timeout, TLS), when there was no answer. */
  error: z.string().optional(),
  location: z.string().optional(),
  /** Scheme names of the WWW-Authenticate offers, in order (`Negotiate`, `NTLM`, `Basic`). */
  wwwAuthenticate: z.array(z.string()),
  basicRealm: z.string().optional(),
  /** Selected response headers (lower-case names; see http-step.ts SELECTED_HEADERS). */
  headers: z.record(z.string(), z.string()),
});
export type HttpAnswer = z.infer<typeof HttpAnswer>;

/** An authenticated step: how it authenticated (or why it did not run) and the answer. */
export const AuthAnswer = HttpAnswer.extend({
  /** NTLM, Negotiate or Basic; null when the step was skipped or the server answered without a challenge. */
  auth: z.string().nullable(),
  skipped: z.string().optional(),
});
export type AuthAnswer = z.infer<typeof AuthAnswer>;

export const VdirFacts = z.strictObject({
  /** Unauthenticated GET of the vdir (OWA's is `http.owa.root`). */
  challenge: HttpAnswer.optional(),
  /** The 2013 health ping: User-Agent HttpProxy.ClientAccessServer2010Ping, HEAD (GET for /owa), no keep-alive. */
  ping: HttpAnswer,
});

export const OwaLogon = z.strictObject({
  answer: HttpAnswer,
  title: z.string().nullable(),
  /** Where the sign-in form posts (`/owa/auth/owaauth.dll` 2007, `/owa/auth.owa` 2010). */
  formAction: z.string().nullable(),
  formFields: z.array(z.string()),
  /** Version-named folders `/owa/<folder>/` the page references, in page order. */
  resourceFolders: z.array(z.string()),
  /** The first referenced versioned resources (path under the folder) and what HEAD answered. */
  resources: z.array(z.strictObject({ path: z.string(), status: z.number().int().nullable() })),
  resourcesTotal: z.number().int(),
});
export type OwaLogon = z.infer<typeof OwaLogon>;

export const TlsFacts = z.strictObject({
  protocol: z.string().nullable(),
  cipher: z.string().nullable(),
  /** Chain verified against the system store (plus --ca, or the lab's trust bundle). */
  authorized: z.boolean(),
  authorizationError: z.string().nullable(),
  certificate: z
    .strictObject({
      subject: z.string(),
      issuer: z.string(),
      selfSigned: z.boolean(),
      sanCount: z.number().int(),
      /** The certificate is valid for the host name probed. */
      matchesHost: z.boolean(),
      keyType: z.string().nullable(),
      keyBits: z.number().int().nullable(),
      validityDays: z.number().int(),
      expired: z.boolean(),
    })
    .nullable(),
  error: z.string().optional(),
});
export type TlsFacts = z.infer<typeof TlsFacts>;

export const LoginTypeHint = z.enum(['SecureLogin', 'PlainTextLogin', 'PlainTextAuthentication']);

export const MailFacts = z.strictObject({
  /** Implicit TLS from the first byte (993/995, `:SSL`), else plaintext with STARTTLS/STLS when offered. */
  implicitTls: z.boolean(),
  banner: z.string().nullable(),
  /** CAPABILITY tokens (IMAP) or CAPA lines (POP3) of the first session state (before TLS, or over implicit TLS). */
  capabilities: z.array(z.string()).nullable(),
  /** STARTTLS / STLS, on a plaintext start: offered, the answer (tag removed), the list after TLS. */
  starttls: z.strictObject({ offered: z.boolean(), answer: z.string().nullable(), capabilities: z.array(z.string()).nullable() }).nullable(),
  /** What the lists before TLS say about Set-ImapSettings/Set-PopSettings -LoginType. */
  loginTypeHint: LoginTypeHint.nullable(),
  tls: z.strictObject({ protocol: z.string().nullable(), authorized: z.boolean(), authorizationError: z.string().nullable() }).nullable(),
  error: z.string().optional(),
});
export type MailFacts = z.infer<typeof MailFacts>;

const MailTarget = z.strictObject({ host: z.string(), port: z.number().int(), implicitTls: z.boolean() });

export const ProbeDoc = z.strictObject({
  format: z.literal(PROBE_FORMAT),
  version: z.literal(PROBE_VERSION),
  tool: z.strictObject({ name: z.literal('cas-conformance'), version: z.string() }),
  /** When the probe ran (absent in the checked-in probes of the mocks, to keep them stable). */
  probedAt: z.string().optional(),
  redacted: z.boolean(),
  target: z.strictObject({
    origin: z.string(),
    /** Credentials were given (the authenticated section exists); never the user name or password. */
    credentials: z.boolean(),
    imap: MailTarget.optional(),
    pop3: MailTarget.optional(),
  }),
  /** `server`: someone's CAS; `mock`: the lab's mock of a catalogue build. */
  source: z.strictObject({ kind: z.enum(['server', 'mock']), build: z.string().optional() }),
  /** The build this looks like (from X-OWA-Version), for `probe diff --build auto`. Not compared. */
  summary: z.strictObject({ xOwaVersion: z.string().nullable(), build: z.string().nullable(), buildName: z.string().nullable() }),
  http: z.strictObject({
    owa: z.strictObject({ root: HttpAnswer, logon: OwaLogon.nullable() }),
    /** /ecp and /PowerShell exist (anything but 404; null when no answer). Exchange 2010 only. */
    presence: z.strictObject({ ecp: z.boolean().nullable(), powershell: z.boolean().nullable() }),
    vdirs: z.strictObject(Object.fromEntries(VDIR_NAMES.map((v) => [v, VdirFacts])) as Record<ProbeVdir, typeof VdirFacts>),
    eas: z.strictObject({ options: HttpAnswer }),
    autodiscover: z.strictObject({ post: HttpAnswer, errorCode: z.string().nullable() }),
  }),
  /** Only with credentials: GETs and OPTIONS the user's own mailbox allows. */
  authenticated: z
    .strictObject({
      eas: z.strictObject({ options: AuthAnswer }),
      ews: z.strictObject({
        service: AuthAnswer,
        types: AuthAnswer,
        /** Attributes of a ServerVersionInfo element seen in an EWS answer, where reachable by GET. */
        serverVersionInfo: z.record(z.string(), z.string()).nullable(),
        /** `version` of types.xsd's schema element (`Exchange2010_SP2`), where reachable. */
        schemaVersion: z.string().nullable(),
      }),
    })
    .optional(),
  tls: TlsFacts,
  mail: z.strictObject({ imap: MailFacts.optional(), pop3: MailFacts.optional() }),
  /** Steps that could not run as planned (not compared; shown by probe diff). */
  errors: z.array(z.strictObject({ step: z.string(), message: z.string() })),
});
export type ProbeDoc = z.infer<typeof ProbeDoc>;
