/**
 * deploy/: the Dockerfile, the compose file and the Kubernetes manifests parse, set only
 * settings the hub reads (src/config), with values its configuration accepts, and agree with
 * each other and with the hub: ports, probe paths, subgraph names and URLs, references between
 * objects. No container engine runs here; these checks are what can be known without one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { loadConfig, settingNames, subgraphNames } from '../src/config/index.js';
import { projectRoot } from '../src/platform/db/migrate.js';
import { expectWithMessage } from './helpers/runner.js';

const deployDir = path.join(projectRoot, 'deploy');
const read = (rel: string) => fs.readFileSync(path.join(deployDir, rel), 'utf8');
const known = new Set(settingNames);
const unknownSettings = (names: Iterable<string>) => [...names].filter((n) => !known.has(n));

/** Values for compose's `${VAR:?…}` placeholders (`${VAR:-default}` takes its default). */
const SAMPLE: Record<string, string> = {
  POSTGRES_PASSWORD: 'pw',
  SUBGRAPH_SHARED_SECRET: 'x'.repeat(64),
  QR_SIGNING_KEYS: '{"active":"k","keys":[]}',
};
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (op === '-') return arg ?? '';
    const v = SAMPLE[name];
    if (v === undefined) throw new Error(`no sample value for \${${name}}`);
    return v;
  });
}

const dockerLines = read('Dockerfile')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((l) => l.trim() && !l.trim().startsWith('#'));
const stages = dockerLines.filter((l) => /^FROM\s/i.test(l));
const runtime = dockerLines.slice(dockerLines.indexOf(stages.at(-1)!));
/** The ENV of the image's runtime stage: what every container starts with. */
const imageEnv: Record<string, string> = {};
for (const l of runtime.filter((x) => /^ENV\s/i.test(x))) {
  for (const m of l.slice(4).matchAll(/(\w+)=(\S+)/g)) imageEnv[m[1]!] = m[2]!;
}

describe('deploy/Dockerfile', () => {
  const lines = dockerLines;

  it('is multi-stage: npm ci and the build in the first stage, and a runtime stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = lines.slice(0, lines.indexOf(stages.at(-1)!)).join('\n');
    expect(build).toMatch(/RUN npm ci\b/);
    expect(build).toMatch(/npm run build/);
    expect(build).toMatch(/npm prune --omit=dev/);
    expectWithMessage(runtime.join('\n'), 'the runtime stage installs nothing').not.toMatch(/npm (ci|install)/);
  });

  it('runs as a non-root user, the compiled hub through bin/hub.js, with a health check on /healthz', () => {
    const user = runtime.find((l) => /^USER\s/i.test(l))?.split(/\s+/)[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(runtime.find((l) => /^ENTRYPOINT\s/i.test(l))).toContain('"node", "bin/hub.js"');
    expect(runtime.find((l) => /^HEALTHCHECK\s/i.test(l))).toContain('/healthz');
    expect(runtime.join('\n')).toMatch(/COPY --from=build \/app\/dist/);
  });

  it('sets only hub settings, valid ones, and exposes the port it sets', () => {
    const env = imageEnv;
    expect(unknownSettings(Object.keys(env))).toEqual([]);
    expect(env.NODE_ENV).toBe('production');
    const config = loadConfig(env);
    expect(config.introspection).toBe(false);
    const exposed = runtime.find((l) => /^EXPOSE\s/i.test(l))?.split(/\s+/)[1];
    expect(Number(exposed)).toBe(config.port);
  });
});

const ComposeService = z.object({
  image: z.string().optional(),
  build: z.unknown().optional(),
  command: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.string()).optional(),
  ports: z.array(z.string()).optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
  volumes: z.array(z.string()).optional(),
});
const Compose = z.object({
  services: z.record(z.string(), ComposeService),
  volumes: z.record(z.string(), z.unknown()),
});

describe('deploy/compose.yaml', () => {
  const compose = Compose.parse(parse(read('compose.yaml'), { merge: true }));
  const hubServices = Object.entries(compose.services).filter(([, s]) => s.image?.startsWith('data-sharing-hub'));
  const command = (name: string) => compose.services[name]?.command ?? [];

  it('has PostgreSQL, Redis, a migration, two gateways, the workers and each subgraph in a service of its own', () => {
    expect(compose.services.postgres?.image).toMatch(/^postgres:/);
    expect(compose.services.redis?.image).toMatch(/^redis:/);
    expect(command('migrate')).toEqual(['migrate']);
    const gateways = hubServices.filter(([, s]) => s.command?.[0] === 'serve' && s.environment?.SUBGRAPH_URLS);
    expect(gateways.length).toBe(2);
    const served = hubServices.filter(([, s]) => s.command?.[0] === 'subgraph').map(([, s]) => s.command![1]);
    expect([...served].sort()).toEqual([...subgraphNames].sort());
  });

  it('sets only settings the hub reads, with values its configuration accepts', () => {
    expect(hubServices.length).toBeGreaterThan(10);
    for (const [name, s] of hubServices) {
      const env = mapEnv(s.environment);
      expectWithMessage(unknownSettings(Object.keys(env)), `${name} sets variables the hub does not read`).toEqual([]);
      expectWithMessage(() => loadConfig(env), `${name}'s configuration`).not.toThrow();
      expect(env.NODE_ENV).toBe('production');
    }
  });

  it("gateways route every subgraph to that subgraph's service and port, and start after them", () => {
    for (const [name, s] of hubServices.filter(([, x]) => x.environment?.SUBGRAPH_URLS)) {
      const config = loadConfig(mapEnv(s.environment));
      expectWithMessage(Object.keys(config.subgraphUrls).sort(), `${name} routes every subgraph`).toEqual(
        [...subgraphNames].sort(),
      );
      for (const [sub, url] of Object.entries(config.subgraphUrls)) {
        const u = new URL(url);
        const target = compose.services[u.hostname];
        expectWithMessage(target?.command, `${name}: ${sub} → ${url} is the service serving it`).toEqual([
          'subgraph',
          sub,
        ]);
        expect(u.pathname).toBe('/graphql');
        expect(Number(u.port)).toBe(loadConfig(mapEnv(target!.environment)).port);
        expect(s.depends_on?.[u.hostname]?.condition).toBe('service_healthy');
      }
    }
  });

  it('publishes the gateways on the port they listen on, and every named volume is declared', () => {
    for (const [name, s] of hubServices) {
      for (const p of s.ports ?? []) {
        expectWithMessage(Number(p.split(':').at(-1)), `${name} publishes its PORT`).toBe(
          loadConfig(mapEnv(s.environment)).port,
        );
      }
      for (const v of s.volumes ?? []) {
        const [volume, mountPath] = v.split(/[:\s]/);
        expect(Object.keys(compose.volumes)).toContain(volume);
        expectWithMessage(mountPath, `${name}: the volume is DATA_DIR`).toBe(loadConfig(mapEnv(s.environment)).dataDir);
      }
    }
  });
});

/** A compose service's environment over the image's, placeholders filled in. */
function mapEnv(env: Record<string, string> | undefined): Record<string, string> {
  return { ...imageEnv, ...Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, interpolate(v)])) };
}

const HttpGet = z.object({ httpGet: z.object({ path: z.string(), port: z.union([z.string(), z.number()]) }) });
const Container = z.object({
  name: z.string(),
  image: z.string(),
  args: z.array(z.string()),
  envFrom: z
    .array(
      z.object({
        configMapRef: z.object({ name: z.string() }).optional(),
        secretRef: z.object({ name: z.string() }).optional(),
      }),
    )
    .optional(),
  env: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  ports: z.array(z.object({ name: z.string(), containerPort: z.number() })).optional(),
  livenessProbe: HttpGet.optional(),
  readinessProbe: HttpGet.optional(),
  startupProbe: HttpGet.optional(),
  resources: z.object({ requests: z.object({ cpu: z.union([z.string(), z.number()]), memory: z.string() }) }),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() })).optional(),
});
const PodSpec = z.object({
  containers: z.array(Container),
  volumes: z
    .array(z.object({ name: z.string(), persistentVolumeClaim: z.object({ claimName: z.string() }) }))
    .optional(),
  securityContext: z.object({ runAsNonRoot: z.literal(true) }),
});
const K8s = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('Deployment'),
    metadata: z.object({ name: z.string() }),
    spec: z.object({
      selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
      template: z.object({ metadata: z.object({ labels: z.record(z.string(), z.string()) }), spec: PodSpec }),
    }),
  }),
  z.object({
    kind: z.literal('Job'),
    metadata: z.object({ name: z.string() }),
    spec: z.object({ template: z.object({ spec: PodSpec }) }),
  }),
  z.object({
    kind: z.literal('Service'),
    metadata: z.object({ name: z.string() }),
    spec: z.object({
      selector: z.record(z.string(), z.string()),
      ports: z.array(z.object({ port: z.number(), targetPort: z.union([z.string(), z.number()]) })),
    }),
  }),
  z.object({
    kind: z.literal('HorizontalPodAutoscaler'),
    metadata: z.object({ name: z.string() }),
    spec: z.object({
      scaleTargetRef: z.object({ kind: z.literal('Deployment'), name: z.string() }),
      minReplicas: z.number(),
      maxReplicas: z.number(),
    }),
  }),
  z.object({
    kind: z.literal('ConfigMap'),
    metadata: z.object({ name: z.string() }),
    data: z.record(z.string(), z.string()),
  }),
  z.object({
    kind: z.literal('Secret'),
    metadata: z.object({ name: z.string() }),
    stringData: z.record(z.string(), z.string()),
  }),
  z.object({ kind: z.literal('PersistentVolumeClaim'), metadata: z.object({ name: z.string() }) }),
]);
type K8sObject = z.infer<typeof K8s>;

describe('deploy/k8s', () => {
  const files = fs.readdirSync(path.join(deployDir, 'k8s')).filter((f) => f.endsWith('.yaml'));
  const kustomization = z.object({ resources: z.array(z.string()) }).parse(parse(read('k8s/kustomization.yaml')));
  const objects: K8sObject[] = [];
  for (const f of files.filter((x) => x !== 'kustomization.yaml')) {
    for (const doc of parseAllDocuments(read(`k8s/${f}`))) {
      if (doc.errors.length > 0) throw new Error(`${f}: ${doc.errors[0]!.message}`);
      objects.push(K8s.parse(doc.toJS()));
    }
  }
  const ofKind = <K extends K8sObject['kind']>(kind: K) =>
    objects.filter((o): o is Extract<K8sObject, { kind: K }> => o.kind === kind);
  const configMaps = new Map(ofKind('ConfigMap').map((c) => [c.metadata.name, c.data]));
  const secrets = new Map(ofKind('Secret').map((s) => [s.metadata.name, s.stringData]));
  const workloads = [
    ...ofKind('Deployment').map((d) => ({
      name: d.metadata.name,
      pod: d.spec.template.spec,
      labels: d.spec.template.metadata.labels,
    })),
    ...ofKind('Job').map((j) => ({ name: j.metadata.name, pod: j.spec.template.spec, labels: {} })),
  ];
  /** A container's environment as the kubelet builds it: envFrom in order, then env. */
  const envOf = (c: z.infer<typeof Container>) => {
    const env: Record<string, string> = { ...imageEnv };
    for (const from of c.envFrom ?? []) {
      const source = from.configMapRef
        ? configMaps.get(from.configMapRef.name)
        : from.secretRef
          ? secrets.get(from.secretRef.name)
          : undefined;
      expectWithMessage(source, `${c.name}: envFrom names an object in deploy/k8s`).toBeDefined();
      Object.assign(env, source);
    }
    for (const e of c.env ?? []) env[e.name] = e.value;
    return env;
  };

  it('kustomization.yaml lists every manifest file', () => {
    expect([...kustomization.resources].sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml').sort());
  });

  it('ConfigMaps and Secrets hold only settings the hub reads, and together a configuration it accepts', () => {
    for (const [name, data] of [...configMaps, ...secrets]) {
      expectWithMessage(unknownSettings(Object.keys(data)), `${name} holds variables the hub does not read`).toEqual(
        [],
      );
    }
    expect(configMaps.size + secrets.size).toBeGreaterThanOrEqual(2);
  });

  it('every container sets only hub settings, has resource requests, and probes /healthz and /readyz on its port', () => {
    expect(workloads.length).toBeGreaterThanOrEqual(subgraphNames.length + 3);
    for (const w of workloads) {
      for (const c of w.pod.containers) {
        const env = envOf(c);
        expectWithMessage(unknownSettings(Object.keys(env)), `${w.name} sets variables the hub does not read`).toEqual(
          [],
        );
        const config = loadConfig(env);
        expect(env.NODE_ENV).toBe('production');
        expect(config.host).toBe('0.0.0.0');
        if (c.args[0] === 'migrate') continue; // a Job: no port, no probes
        expect(['serve', 'subgraph']).toContain(c.args[0]);
        if (c.args[0] === 'subgraph') expect(subgraphNames).toContain(c.args[1]);
        const http = c.ports?.find((p) => p.name === 'http');
        expectWithMessage(http?.containerPort, `${w.name} listens on PORT`).toBe(config.port);
        expectWithMessage(c.livenessProbe?.httpGet.path, `${w.name} liveness`).toBe('/healthz');
        expectWithMessage(c.readinessProbe?.httpGet.path, `${w.name} readiness`).toBe('/readyz');
        for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
          if (probe) expect([http?.name, http?.containerPort]).toContain(probe.httpGet.port);
        }
        for (const m of c.volumeMounts ?? []) {
          const claim = w.pod.volumes?.find((v) => v.name === m.name)?.persistentVolumeClaim.claimName;
          expect(ofKind('PersistentVolumeClaim').map((p) => p.metadata.name)).toContain(claim);
          expectWithMessage(m.mountPath, 'the volume is DATA_DIR').toBe(config.dataDir);
        }
      }
    }
  });

  it('the gateway routes every subgraph to a Service that selects the Deployment serving it, on its port', () => {
    const deployments = ofKind('Deployment');
    const services = ofKind('Service');
    const gateways = deployments.filter((d) => d.spec.template.spec.containers.some((c) => c.args[0] === 'serve'));
    const routed = gateways.filter(
      (g) => Object.keys(loadConfig(envOf(g.spec.template.spec.containers[0]!)).subgraphUrls).length,
    );
    expect(routed.length).toBeGreaterThanOrEqual(1);
    for (const g of routed) {
      const urls = loadConfig(envOf(g.spec.template.spec.containers[0]!)).subgraphUrls;
      expect(Object.keys(urls).sort()).toEqual([...subgraphNames].sort());
      for (const [sub, url] of Object.entries(urls)) {
        const u = new URL(url);
        const svc = services.find((s) => s.metadata.name === u.hostname);
        expectWithMessage(svc, `${sub}: a Service named ${u.hostname}`).toBeDefined();
        const port = svc!.spec.ports.find((p) => p.port === Number(u.port));
        expectWithMessage(port, `${u.hostname} serves port ${u.port}`).toBeDefined();
        const target = deployments.find((d) =>
          Object.entries(svc!.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
        );
        expectWithMessage(
          target?.spec.template.spec.containers[0]?.args,
          `${u.hostname} selects the ${sub} subgraph`,
        ).toEqual(['subgraph', sub]);
        const http = target!.spec.template.spec.containers[0]!.ports?.find(
          (p) => p.name === port!.targetPort || p.containerPort === port!.targetPort,
        );
        expect(http).toBeDefined();
      }
    }
  });

  it('every Deployment behind a Service has a HorizontalPodAutoscaler, and each autoscaler names a Deployment', () => {
    const deployments = new Set(ofKind('Deployment').map((d) => d.metadata.name));
    const scaled = ofKind('HorizontalPodAutoscaler');
    for (const h of scaled) {
      expect(deployments).toContain(h.spec.scaleTargetRef.name);
      expect(h.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(h.spec.maxReplicas).toBeGreaterThan(h.spec.minReplicas);
    }
    for (const s of ofKind('Service')) expect(scaled.map((h) => h.spec.scaleTargetRef.name)).toContain(s.metadata.name);
    // Deployments and Services selects match their own labels.
    for (const d of ofKind('Deployment')) {
      for (const [k, v] of Object.entries(d.spec.selector.matchLabels))
        expect(d.spec.template.metadata.labels[k]).toBe(v);
    }
  });
});
