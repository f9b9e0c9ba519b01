/**
 * A browser as far as OWA needs one: follows redirects across hosts, keeps cookies the RFC 6265 way,
 * fills a forms-based sign-in page once, submits pages whose form submits itself (001's "single
 * sign-on silent redirect"), follows `<meta refresh>`, and loads the versioned resources a page
 * references (002). RULES.md's words are judged on what it records: a "silent redirect" is reached
 * with `credentialsTyped === 1`; a "manual redirect to U" is a final 2xx page naming U with no
 * Location, no self-submitting form and no hop (`manualRedirectUrl`).
 */
import type { Dispatcher } from 'undici';
import { CookieJar } from './owa-browser-cookies.ts';
import { otherOwaUrl, parsePage, type FormField, type HtmlForm, type HtmlPage } from './owa-browser-html.ts';
import { headerValue, headerValues, maskForm, recordedRequest, Transcript, type ResponseHeaders, type TranscriptEntry } from './transcript.ts';

export { CookieJar } from './owa-browser-cookies.ts';
export { HttpClientError } from './transcript.ts';

export interface OwaBrowserOptions {
  /** The caller's agent: resolves lab names and trusts the lab CA (Lab#agent()). */
  dispatcher: Dispatcher;
  /** Bound on each request, body included. Default 10 s. */
  timeoutMs?: number;
  /** Redirects (3xx and meta refresh) followed per navigation. Default 10. */
  maxRedirects?: number;
  /** Self-submitting forms submitted per navigation. Default 5. */
  maxAutoSubmits?: number;
  userAgent?: string;
}

export interface Hop {
  url: string;
  status: number;
  method: string;
}

export interface OwaNavigation {
  finalUrl: string;
  status: number;
  title: string;
  body: string;
  /** Every request of the navigation, in order (the first one included; resources not). */
  hops: Hop[];
  /** Self-submitting forms submitted (the single sign-on silent redirect). */
  silentRedirects: number;
  /** Set when the final page is a manual redirect page (RULES: "manual redirect to U"). */
  manualRedirect?: { url: string };
  /** Times the user typed credentials into a sign-in form, over the browser's life (never more than 1). */
  credentialsTyped: number;
  /** The final page is a sign-in form. */
  logonPage: boolean;
  /** Why the browser stopped early, if it did (too many redirects, no sign-in form, ...). */
  stopped?: string;
  transcript: TranscriptEntry[];
}

interface Current {
  url: string;
  status: number;
  headers: ResponseHeaders;
  body: string;
  page: HtmlPage;
}

interface Step {
  url: string;
  method: 'GET' | 'POST';
  fields?: [string, string][];
  passwordNames?: Set<string>;
  referer?: string;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);
const RESOURCE = /^\/owa\/\d+\.\d+\.\d+\.\d+\//i;
/** The browser the OWA client plays (exported so the suites can tell the lab's own clients from a candidate's checks). */
export const IE11 = 'Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko';

/**
 * @example
 * const b = new OwaBrowser({ dispatcher: lab.agent() });
 * const r = await b.login(lab.origin('cas2010.site1.contoso.lab') + '/owa/', 'CONTOSO\\red', 'Red-P@ss1');
 * r.title;                       // 'Red - Outlook Web App'
 * await b.loadResources();       // [{ url: '.../owa/14.2.283.3/themes/resources/logon.css', status: 200 }, ...]
 */
export class OwaBrowser {
  readonly cookies = new CookieJar();
  readonly transcript = new Transcript();
  credentialsTyped = 0;
  readonly #o: Required<Omit<OwaBrowserOptions, 'dispatcher'>> & { dispatcher: Dispatcher };
  #current: Current | null = null;
  #hops: Hop[] = [];
  #silent = 0;
  #stopped: string | undefined;
  /** The step sent last (a 307/308 repeats it). */
  #lastStep: Step | null = null;

  constructor(opts: OwaBrowserOptions) {
    if (!opts || typeof opts.dispatcher?.dispatch !== 'function') throw new TypeError('OwaBrowser: opts.dispatcher must be an undici Dispatcher');
    if (opts.timeoutMs !== undefined && !(opts.timeoutMs > 0)) throw new TypeError('OwaBrowser: opts.timeoutMs must be a positive number');
    if (opts.maxRedirects !== undefined && !(Number.isInteger(opts.maxRedirects) && opts.maxRedirects >= 0 && opts.maxRedirects <= 50)) throw new TypeError('OwaBrowser: opts.maxRedirects must be an integer 0..50');
    if (opts.maxAutoSubmits !== undefined && !(Number.isInteger(opts.maxAutoSubmits) && opts.maxAutoSubmits >= 0 && opts.maxAutoSubmits <= 20)) throw new TypeError('OwaBrowser: opts.maxAutoSubmits must be an integer 0..20');
    this.#o = { dispatcher: opts.dispatcher, timeoutMs: opts.timeoutMs ?? 10_000, maxRedirects: opts.maxRedirects ?? 10, maxAutoSubmits: opts.maxAutoSubmits ?? 5, userAgent: opts.userAgent ?? IE11 };
  }

  /** The page the browser shows now (null before the first navigation). */
  get page(): Readonly<Current> | null {
    return this.#current;
  }

  /** The current page is a sign-in form (a form with a password field). */
  get isLogonPage(): boolean {
    return !!this.#current?.page.forms.some((f) => f.hasPassword);
  }

  /**
   * RULES "manual redirect to U": the current page is a 2xx with no Location, no self-submitting form,
   * no refresh and no sign-in form, naming a full `/owa` URL on another origin; that URL, else undefined.
   */
  get manualRedirectUrl(): string | undefined {
    const c = this.#current;
    if (!c || c.status < 200 || c.status > 299 || headerValue(c.headers, 'location') || c.page.selfSubmitting || c.page.refresh || this.isLogonPage) return undefined;
    return otherOwaUrl(c.page, c.body, c.url);
  }

  /** Navigate to `url` (GET), following redirects, refreshes and self-submitting forms. */
  async open(url: string): Promise<OwaNavigation> {
    this.#hops = [];
    this.#silent = 0;
    this.#stopped = undefined;
    await this.#navigate({ url, method: 'GET' });
    return this.#result();
  }

  /**
   * Type the credentials into the current sign-in form (hidden fields kept) and submit it. Types at
   * most once in the browser's life: a second sign-in page is reported (`stopped`), never filled.
   * Continues the current navigation's record (hops, silent redirects).
   */
  async signIn(user: string, password: string): Promise<OwaNavigation> {
    const c = this.#current;
    const form = c?.page.forms.find((f) => f.hasPassword);
    if (!c || !form) {
      this.#stopped = 'no sign-in form on the page';
      this.transcript.note('(signIn: no sign-in form on the current page)');
      return this.#result();
    }
    if (this.credentialsTyped > 0) {
      this.#stopped = 'sign-in form shown again: credentials are typed only once';
      this.transcript.note('(signIn: a sign-in form again; the user does not type credentials twice)');
      return this.#result();
    }
    const pw = form.fields.find((f) => f.type === 'password')!;
    const userField =
      form.fields.find((f) => ['text', 'email'].includes(f.type) && /user|login|email|name/i.test(f.name)) ?? form.fields.find((f) => f.type === 'text' || f.type === 'email');
    const typed = new Map<string, string>([[pw.name, password]]);
    if (userField) typed.set(userField.name, user);
    const submitter = form.fields.find((f) => (f.type === 'submit' || f.type === 'image') && f.name);
    this.credentialsTyped++;
    this.transcript.note(`(user types credentials for ${user} into the form posting to ${form.action || '(this page)'})`);
    await this.#navigate(this.#submission(c.url, form, typed, submitter));
    return this.#result();
  }

  /** open(url), then signIn once if a sign-in page shows; one record (hops, silent redirects) for both. */
  async login(url: string, user: string, password: string): Promise<OwaNavigation> {
    await this.open(url);
    if (!this.isLogonPage) return this.#result();
    return this.signIn(user, password);
  }

  /** GET every `/owa/<version>/...` resource the current page references; their statuses, in page order. */
  async loadResources(): Promise<{ url: string; status: number }[]> {
    const c = this.#current;
    if (!c) return [];
    const seen = new Set<string>();
    for (const ref of c.page.references) {
      try {
        const u = new URL(ref, c.url);
        if ((u.protocol === 'https:' || u.protocol === 'http:') && RESOURCE.test(u.pathname)) seen.add(u.href);
      } catch {
        // an unusable reference: a browser ignores it too
      }
      if (seen.size >= 100) break;
    }
    const out: { url: string; status: number }[] = [];
    for (const url of seen) {
      const r = await this.#send({ url, method: 'GET', referer: c.url }, '*/*');
      out.push({ url, status: r.status });
    }
    return out;
  }

  /** Fields a submission sends (HTML form data set): checked radios/checkboxes, the clicked button only. */
  #submission(pageUrl: string, form: HtmlForm, typed: Map<string, string>, submitter?: FormField): Step {
    const fields: [string, string][] = [];
    for (const f of form.fields) {
      if (['submit', 'image', 'reset', 'button', 'file'].includes(f.type) && f !== submitter) continue;
      if ((f.type === 'radio' || f.type === 'checkbox') && !f.checked) continue;
      fields.push([f.name, typed.get(f.name) ?? f.value]);
    }
    const passwordNames = new Set(form.fields.filter((f) => f.type === 'password').map((f) => f.name));
    let action: URL;
    try {
      action = new URL(form.action || pageUrl, pageUrl);
    } catch {
      action = new URL(pageUrl);
    }
    if (form.method === 'GET') {
      action.search = new URLSearchParams(fields).toString();
      return { url: action.href, method: 'GET', referer: pageUrl };
    }
    return { url: action.href, method: 'POST', fields, passwordNames, referer: pageUrl };
  }

  async #navigate(first: Step): Promise<void> {
    let step: Step | null = first;
    let redirects = 0;
    let submits = 0;
    // Bounded: every pass either ends or spends one redirect or one auto-submit.
    for (let guard = 0; step && guard <= this.#o.maxRedirects + this.#o.maxAutoSubmits + 1; guard++) {
      const res = await this.#send(step, 'text/html, application/xhtml+xml, */*');
      this.#hops.push({ url: step.url, status: res.status, method: step.method });
      const location = headerValue(res.headers, 'location');
      const body = Buffer.from(res.body).toString('utf8');
      this.#current = { url: step.url, status: res.status, headers: res.headers, body, page: parsePage(body) };
      step = null;
      if (REDIRECT.has(res.status) && location) {
        step = this.#redirect(res.status, location, ++redirects);
        continue;
      }
      const page = this.#current.page;
      if (res.status >= 200 && res.status < 300 && page.refresh) {
        this.transcript.note(`(meta refresh after ${page.refresh.delaySeconds} s to ${page.refresh.url}: followed at once)`);
        step = this.#redirect(303, page.refresh.url, ++redirects);
        continue;
      }
      if (res.status >= 200 && res.status < 300 && page.selfSubmitting) {
        if (++submits > this.#o.maxAutoSubmits) {
          this.#stop(`more than ${this.#o.maxAutoSubmits} self-submitting forms`);
          break;
        }
        this.#silent++;
        this.transcript.note(`(the page submits its form itself: ${page.selfSubmitting.method} ${page.selfSubmitting.action})`);
        step = this.#submission(this.#current.url, page.selfSubmitting, new Map());
      }
    }
  }

  /** The next step for a redirect, or null (and a reason) when the browser stops. */
  #redirect(status: number, location: string, count: number): Step | null {
    const c = this.#current!;
    if (count > this.#o.maxRedirects) return this.#stop(`more than ${this.#o.maxRedirects} redirects`);
    let next: URL;
    try {
      next = new URL(location, c.url);
    } catch {
      return this.#stop(`unusable Location ${location}`);
    }
    if (next.protocol !== 'https:' && next.protocol !== 'http:') return this.#stop(`redirect to a non-HTTP URL ${next.href}`);
    next.hash = '';
    const last = this.#hops[this.#hops.length - 1];
    // 307/308 repeat the request as it was; 301/302/303 become a GET (what browsers do).
    if ((status === 307 || status === 308) && last?.method === 'POST') return { ...this.#lastStep!, url: next.href };
    return { url: next.href, method: 'GET', referer: c.url };
  }

  #stop(reason: string): null {
    this.#stopped = reason;
    this.transcript.note(`(browser stops: ${reason})`);
    return null;
  }

  async #send(step: Step, accept: string) {
    this.#lastStep = step;
    const headers: Record<string, string> = { 'user-agent': this.#o.userAgent, accept, 'accept-language': 'en-US' };
    const cookie = this.cookies.cookieHeader(step.url);
    if (cookie) headers.cookie = cookie;
    if (step.referer) headers.referer = step.referer;
    let body: string | undefined;
    if (step.method === 'POST') {
      body = new URLSearchParams(step.fields ?? []).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
      if (step.referer) headers.origin = new URL(step.referer).origin;
    }
    const res = await recordedRequest(this.#o.dispatcher, this.transcript, {
      url: step.url,
      method: step.method,
      headers,
      body,
      ...(step.fields ? { bodySummary: maskForm(step.fields, step.passwordNames) } : {}),
      timeoutMs: this.#o.timeoutMs,
    });
    for (const line of headerValues(res.headers, 'set-cookie')) this.cookies.setFromHeader(res.url, line);
    return res;
  }

  #result(): OwaNavigation {
    const c = this.#current;
    const manual = this.manualRedirectUrl;
    return {
      finalUrl: c?.url ?? '',
      status: c?.status ?? 0,
      title: c?.page.title ?? '',
      body: c?.body ?? '',
      hops: this.#hops.slice(),
      silentRedirects: this.#silent,
      ...(manual ? { manualRedirect: { url: manual } } : {}),
      credentialsTyped: this.credentialsTyped,
      logonPage: this.isLogonPage,
      ...(this.#stopped ? { stopped: this.#stopped } : {}),
      transcript: this.transcript.snapshot(),
    };
  }
}
