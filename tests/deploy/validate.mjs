// Validates Kubernetes manifests against the API schemas of kubernetes-models (and CloudNativePG's CRD
// schemas from @kubernetes-models/cloudnative-pg), strictly: a field the schema does not know is an error
// too, as with `kubectl apply --validate=strict` or kubeconform -strict, since a misspelt securityContext
// key is silently dropped by the API server's non-strict paths.
//
//   node validate.mjs DIR_OR_FILE…         prints one line per document; exits 1 if any is invalid
//   node validate.mjs --broken FILE…       exits 0 only if each file is refused for the reasons it expects
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

// apiVersion → the module of its models. Kinds outside these groups are errors: add their package here.
const modules = {
  "postgresql.cnpg.io/v1": "@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1",
};
function moduleOf(apiVersion) {
  return modules[apiVersion] ?? `kubernetes-models/${apiVersion}`;
}

function files(paths) {
  return paths.flatMap(p => statSync(p).isDirectory()
    ? readdirSync(p).filter(f => /\.ya?ml$/.test(f)).sort().map(f => join(p, f))
    : [p]);
}

// The schema validators are compiled code that reads each property they know (`data.spec`, …) and enumerates
// the keys only of maps (labels, ConfigMap data, resource quantities). So a key of an object that the validator
// neither read nor enumerated is one the schema does not define.
// One proxy per object, so that the reads of every validator that looks at it count.
const proxies = new WeakMap();
function tracked(value, path, unknown) {
  if (value === null || typeof value !== "object") return value;
  if (!proxies.has(value)) proxies.set(value, trackedProxy(value, path, unknown));
  return proxies.get(value);
}
function trackedProxy(value, path, unknown) {
  if (Array.isArray(value)) {
    return new Proxy(value, {
      get: (target, key) => typeof key === "string" && /^\d+$/.test(key)
        ? tracked(target[key], `${path}[${key}]`, unknown) : target[key],
    });
  }
  const unread = new Set(Object.keys(value));
  unknown.push(() => [...unread].map(k => `${path}.${k}`));
  return new Proxy(value, {
    get(target, key) {
      unread.delete(key);
      return tracked(target[key], `${path}.${String(key)}`, unknown);
    },
    has(target, key) {
      unread.delete(key);
      return key in target;
    },
    ownKeys(target) {
      unread.clear();
      return Reflect.ownKeys(target);
    },
  });
}

async function check(doc) {
  const { apiVersion, kind } = doc;
  if (typeof apiVersion !== "string" || typeof kind !== "string")
    return ["apiVersion and kind are required"];
  let Model;
  try {
    Model = (await import(moduleOf(apiVersion)))[kind];
  } catch {
    Model = undefined;
  }
  if (typeof Model !== "function") return [`no schema for ${apiVersion} ${kind}`];

  const unknown = [];
  const problems = [];
  try {
    // The model's validate() runs the schema on `this`: hand it the tracked document.
    Model.prototype.validate.call(tracked(doc, kind, unknown));
  } catch (e) {
    problems.push(...String(e.message ?? e).split("\n").filter(Boolean));
  }
  problems.push(...unknown.flatMap(f => f()).map(f => `unknown field ${f}`));
  if (!doc.metadata?.name) problems.unshift("metadata.name is required");
  return [...problems, ...policy(doc)];
}

// What Duban asks of every pod beyond the schema (issue 13): non-root, no privilege escalation, a
// read-only root filesystem, no capabilities, the runtime's seccomp profile, memory requests and limits,
// pinned images, and probes on long-running containers.
function podTemplate(doc) {
  switch (doc.kind) {
    case "Deployment": case "StatefulSet": case "DaemonSet": case "Job": return doc.spec?.template;
    case "CronJob": return doc.spec?.jobTemplate?.spec?.template;
    case "Pod": return doc;
    default: return undefined;
  }
}
function policy(doc) {
  const template = podTemplate(doc);
  if (!template) return [];
  const pod = template.spec ?? {};
  const problems = [];
  const podSecurity = pod.securityContext ?? {};
  if (podSecurity.runAsNonRoot !== true) problems.push("policy: pod securityContext.runAsNonRoot must be true");
  if (podSecurity.seccompProfile?.type !== "RuntimeDefault") problems.push("policy: pod securityContext.seccompProfile must be RuntimeDefault");
  const longRunning = ["Deployment", "StatefulSet", "DaemonSet"].includes(doc.kind);
  for (const [list, containers] of [["initContainers", pod.initContainers ?? []], ["containers", pod.containers ?? []]]) {
    for (const c of containers) {
      const where = `policy: ${list} ${c.name}`;
      const security = c.securityContext ?? {};
      if (security.allowPrivilegeEscalation !== false) problems.push(`${where}: securityContext.allowPrivilegeEscalation must be false`);
      if (security.readOnlyRootFilesystem !== true) problems.push(`${where}: securityContext.readOnlyRootFilesystem must be true`);
      if (!(security.capabilities?.drop ?? []).includes("ALL")) problems.push(`${where}: securityContext.capabilities.drop must include ALL`);
      if (security.privileged === true) problems.push(`${where}: must not be privileged`);
      if (!c.resources?.requests?.memory || !c.resources?.limits?.memory) problems.push(`${where}: resources.requests.memory and resources.limits.memory are required`);
      if (!/:[^/:]+$/.test(c.image ?? "") || /:latest$/.test(c.image)) problems.push(`${where}: image must carry a version tag (not latest)`);
      if (longRunning && list === "containers" && (!c.readinessProbe || !c.livenessProbe)) problems.push(`${where}: readinessProbe and livenessProbe are required`);
    }
  }
  return problems;
}

// --broken FILE…: each file must be refused, and the output must contain each `# expect: TEXT` of the file,
// so that the validator is seen to catch what it claims to (and for the stated reason).
if (process.argv[2] === "--broken") {
  let wrong = 0;
  for (const file of files(process.argv.slice(3))) {
    const text = readFileSync(file, "utf8");
    const expected = [...text.matchAll(/^# expect: (.*)$/gm)].map(m => m[1].trim());
    const output = [];
    for (const parsed of parseAllDocuments(text)) {
      const doc = parsed.toJS();
      if (doc != null) output.push(...await check(doc));
    }
    const missing = expected.filter(e => !output.some(line => line.includes(e)));
    if (output.length === 0 || expected.length === 0 || missing.length) {
      wrong++;
      console.log(`NOT REFUSED AS EXPECTED ${file}: missing ${JSON.stringify(missing)}; got ${JSON.stringify(output)}`);
    } else {
      console.log(`refused ${file}: ${expected.join("; ")}`);
    }
  }
  process.exit(wrong === 0 ? 0 : 1);
}

const targets = process.argv.slice(2);
if (targets.length === 0) {
  console.error("usage: node validate.mjs DIR_OR_FILE…");
  process.exit(2);
}
let invalid = 0;
let documents = 0;
for (const file of files(targets)) {
  for (const parsed of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (parsed.errors.length) {
      invalid++;
      console.log(`INVALID ${file}: ${parsed.errors.map(e => e.message).join("; ")}`);
      continue;
    }
    const doc = parsed.toJS();
    if (doc == null) continue;
    documents++;
    const problems = await check(doc);
    const name = `${file}: ${doc.kind ?? "?"} ${doc.metadata?.name ?? "?"}`;
    if (problems.length) {
      invalid++;
      console.log(`INVALID ${name}`);
      for (const p of problems) console.log(`    ${p}`);
    } else {
      console.log(`valid   ${name}`);
    }
  }
}
console.log(`${documents} documents, ${invalid} invalid`);
process.exit(invalid === 0 && documents > 0 ? 0 : 1);
