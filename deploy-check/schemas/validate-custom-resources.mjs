// Validates custom resources (Strimzi, CloudNativePG, Gateway API, cert-manager, Prometheus Operator) with the models of the
// npm packages in package.json (kubernetes-models, generated from each project's CRDs or Go API types), twice:
//
//  1. each model's validate(): the schema compiled to JSON-schema checks (types, required fields, enums,
//     patterns, bounds), as the packages ship it;
//  2. strictly compiled: each object becomes a TypeScript object literal typed with the model's interface
//     and is type-checked with `strict`. A literal's excess-property check refuses a field the schema does
//     not have, at any depth, which (1) lets through; a field the CRD marks
//     x-kubernetes-preserve-unknown-fields is an open map in the model and takes any key.
//
// Usage: node validate-custom-resources.mjs <objects.json>
//   objects.json: [{"id": "...", "object": {...}}, ...]
// Prints [{"id": "...", "errors": ["..."]}, ...] (an object with no model gets "no model for <type>").
import { readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const HERE = dirname(fileURLToPath(import.meta.url));

/** API group -> the package that models it. */
const PACKAGES = {
  "kafka.strimzi.io": "@kubernetes-models/strimzi-kafka-operator",
  "postgresql.cnpg.io": "@kubernetes-models/cloudnative-pg",
  "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
  "cert-manager.io": "@kubernetes-models/cert-manager",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

/** The model's module (without extension) for an object, or null. */
function model(object) {
  const [group, version] = String(object.apiVersion ?? "").split("/");
  const pkg = PACKAGES[group];
  if (!pkg || !version || !/^[A-Za-z0-9]+$/.test(String(object.kind ?? ""))) {
    return null;
  }
  const file = join(HERE, "node_modules", pkg, group, version, object.kind);
  return existsSync(file + ".d.ts") && existsSync(file + ".js") ? { pkg, group, version, file } : null;
}

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const results = input.map(({ id }) => ({ id, errors: [] }));

// 1. the packages' own validation
const modelled = [];
for (let i = 0; i < input.length; i++) {
  const object = input[i].object;
  const m = model(object);
  if (!m) {
    results[i].errors.push(`no model for ${object.apiVersion}/${object.kind}`);
    continue;
  }
  modelled.push(i);
  const Model = (await import(pathToFileURL(m.file + ".js").href))[object.kind];
  try {
    new Model(object).validate();
  } catch (e) {
    const details = Array.isArray(e.errors)
      ? e.errors.map((d) => `${d.instancePath || "/"} ${d.message ?? d.keyword} ${JSON.stringify(d.params ?? {})}`)
      : [String(e.message ?? e)];
    results[i].errors.push(...details.map((d) => "schema: " + d));
  }
}

// 2. the strict compile: one literal per object, in a source file that exists only in memory
const source = join(HERE, "__custom_resources__.ts");
const lines = [];
const owner = []; // line number -> object index
for (const i of modelled) {
  const object = input[i].object;
  const m = model(object);
  const type = `T${i}`;
  lines.push(`import type { I${object.kind} as ${type} } from "${m.pkg}/${m.group}/${m.version}/${object.kind}";`);
  owner.push(i);
  for (const line of `export const o${i}: ${type} = ${JSON.stringify(object, null, 1)};`.split("\n")) {
    lines.push(line);
    owner.push(i);
  }
}
const text = lines.join("\n");
const options = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: [],
};
const host = ts.createCompilerHost(options);
const getSourceFile = host.getSourceFile;
host.getSourceFile = (name, lang, ...rest) =>
  name === source ? ts.createSourceFile(name, text, lang) : getSourceFile(name, lang, ...rest);
const fileExists = host.fileExists;
host.fileExists = (name) => name === source || fileExists(name);
const readFile = host.readFile;
host.readFile = (name) => (name === source ? text : readFile(name));
const program = ts.createProgram([source], options, host);
for (const d of ts.getPreEmitDiagnostics(program)) {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0];
  if (d.file && d.file.fileName === source && d.start !== undefined) {
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const i = owner[line];
    results[i].errors.push(`strict: line ${line}: ${lines[line].trim()}: ${message}`);
  } else {
    // a problem of the setup, not of an object: every object fails with it
    results.forEach((r) => r.errors.push("setup: " + message));
  }
}

process.stdout.write(JSON.stringify(results));
