import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { FAIL_ON, FAMILIES, LEVELS, OUTCOMES, PROFILES, SEVERITIES, type ConformanceReport } from './types.ts';
import { parseReport, REPORT_SCHEMA_URL, reportSchema, validateReport } from './validate.ts';
import { ReportSchemaError } from './errors.ts';
import { rule, sampleReport } from './test/fixtures.ts';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('report schema', () => {
  it('compiles under ajv strict mode (every keyword known, every $ref resolved); a schema with an unknown keyword would not', () => {
    expect(reportSchema().$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const strict = () => new Ajv2020({ strict: true });
    const doc = JSON.parse(readFileSync(REPORT_SCHEMA_URL, 'utf8')) as Record<string, unknown>;
    expect(() => strict().addFormat('date-time', true).compile(doc)).not.toThrow();
    expect(() => strict().compile({ type: 'object', colour: 'red' })).toThrow(/unknown keyword/);
    expect(() => strict().compile({ $ref: '#/$defs/nothing' })).toThrow(/resolve/);
  });

  it('lists the same outcomes, levels and profiles as types.ts', () => {
    const defs = reportSchema().$defs!;
    expect(new Set(defs.outcome!.enum)).toEqual(new Set(OUTCOMES));
    expect(new Set(defs.level!.enum)).toEqual(new Set(LEVELS));
    expect(new Set(reportSchema().properties!.profile!.properties!.name!.enum)).toEqual(new Set(PROFILES));
    expect(new Set(reportSchema().properties!.summary!.required)).toEqual(new Set([...OUTCOMES, 'total', 'conformant', 'exitCode']));
  });

  it('lists the same severities, families and gates as types.ts', () => {
    const defs = reportSchema().$defs!;
    expect(new Set(defs.severity!.enum)).toEqual(new Set(SEVERITIES));
    expect(new Set(defs.family!.enum)).toEqual(new Set(FAMILIES));
    expect(new Set(reportSchema().properties!.profile!.properties!.failOn!.enum)).toEqual(new Set(FAIL_ON));
  });

  it('accepts severity and scope per rule and the full candidate identity', () => {
    const candidate: ConformanceReport['candidate'] = {
      name: 'nginx+dovecot', version: 'nginx/1.22.1 + Dovecot 2.3.19.1', launcher: 'nginx+dovecot', configDigest: '0123456789abcdef', options: {},
      scope: ['http', 'mail'], tlsLibrary: 'nginx: OpenSSL 3.0.15', modules: ['nginx: http_ssl_module'],
      config: [{ name: 'nginx.conf', origin: 'generated', text: 'daemon off;\n' }, { name: 'dovecot.conf', origin: 'template /tmp/d.conf', text: 'protocols = imap\n' }],
      components: [{ name: 'nginx', version: 'nginx/1.22.1', scope: ['http'], tlsLibrary: 'OpenSSL 3.0.15', modules: [] }, { name: 'dovecot', version: null, scope: ['mail'] }],
    };
    const r = clone(sampleReport({ candidate, profile: { name: 'exchange2013', hardened: false, failOn: 'critical' }, rules: [rule('AUTH-02', 'fail', { severity: 'critical', scope: ['http'], reason: 'served as Purple' })] }));
    expect(validateReport(r)).toEqual([]);
    const bad = clone(r) as unknown as Record<string, any>;
    bad.rules[0].severity = 'huge';
    bad.candidate.scope = ['smtp'];
    bad.candidate.config[0].text = 3;
    expect(validateReport(bad).map((i) => i.path)).toEqual(expect.arrayContaining(['rules[0].severity', 'candidate.scope[0]', 'candidate.config[0].text']));
  });

  it('accepts a good report (JSON round trip)', () => {
    expect(validateReport(clone(sampleReport()))).toEqual([]);
  });

  it('accepts the optional fields left out', () => {
    const r = clone(sampleReport());
    delete r.notes;
    delete r.run.host;
    delete r.profile.build;
    expect(validateReport(r)).toEqual([]);
  });

  it('names the path of each problem in a broken report', () => {
    const r = clone(sampleReport()) as unknown as Record<string, any>;
    r.rules[1].outcome = 'passed';
    delete r.run.id;
    r.run.startedAt = 'yesterday';
    r.rules[1].evidence.client[0].dir = 'X';
    r.candidate.extra = true;
    const issues = validateReport(r);
    const paths = issues.map((i) => i.path);
    expect(paths).toContain('rules[1].outcome');
    expect(paths).toContain('run.id');
    expect(paths).toContain('run.startedAt');
    expect(paths).toContain('rules[1].evidence.client[0].dir');
    expect(paths).toContain('candidate.extra');
    expect(issues.find((i) => i.path === 'rules[1].outcome')!.message).toMatch(/must be one of .*"pass".*got "passed"/);
    expect(() => parseReport(r, 'bad.json')).toThrow(ReportSchemaError);
    expect(() => parseReport(r, 'bad.json')).toThrow(/bad\.json is invalid:\n {2}- .*rules\[1\]\.outcome/s);
  });

  it('refuses a wrong schemaVersion, a non-integer count and a bad rule ID', () => {
    const r = clone(sampleReport()) as unknown as Record<string, any>;
    r.schemaVersion = 2;
    r.summary.pass = 1.5;
    r.rules[0].id = 'auth one';
    const paths = validateReport(r).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['schemaVersion', 'summary.pass', 'rules[0].id']));
  });

  it('cross-checks counts and duplicate IDs once the shape is right', () => {
    const r = clone(sampleReport({ rules: [rule('EAS-03', 'pass'), rule('EAS-03', 'pass')] }));
    r.summary.pass = 5;
    const issues = validateReport(r);
    expect(issues).toContainEqual({ path: 'rules[1].id', message: 'duplicate rule EAS-03 (also rules[0])' });
    expect(issues).toContainEqual({ path: 'summary.pass', message: 'is 5 but 2 rule(s) have outcome pass' });
  });

  it('says what is wrong in plain words: type, enum, format, minimum', () => {
    const r = clone(sampleReport()) as unknown as Record<string, any>;
    r.rules = {};
    r.run.finishedAt = '2026-13-45T99:00:00Z';
    r.summary.total = -1;
    const issues = validateReport(r);
    expect(issues).toContainEqual({ path: 'rules', message: 'must be array, got object' });
    expect(issues.find((i) => i.path === 'run.finishedAt')!.message).toMatch(/must match format "date-time"/);
    expect(issues.find((i) => i.path === 'summary.total')!.message).toMatch(/must be >= 0, got -1/);
  });
});
