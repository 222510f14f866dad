#!/usr/bin/env node
// Checks the hub's OpenAPI document, and the API's real answers against it.
//
//   node check.mjs document DOC.json
//     DOC is a valid OpenAPI 3.1 document (the official schema, through
//     @seriousme/openapi-schema-validator), every $ref resolves, every schema compiles
//     under Ajv's strict JSON Schema 2020-12, operationIds are unique, and every {param}
//     of a path is declared.
//   node check.mjs answers DOC.json ANSWERS.jsonl
//     ANSWERS holds one recorded answer a line: {"label", "method", "route", "status",
//     "content_type", "body", "expect"?}. Each must be documented for its route, method
//     and status, with its media type, and its body must match the schema (JSON) — except
//     that a line with "expect": "reject" must NOT match (the test's proof that drift is
//     caught). An answer of no route ("route": "") is checked as a problem. Then every
//     documented operation must have had a 2xx answer.
//     A line {"label", "method", "route", "event": TYPE, "data"} is one server-sent
//     event of that route's stream: its data must match the schema that the route's 200
//     answer names for TYPE in "x-dth-events" (an undocumented type fails).
// Prints one line per failure and a summary; exits 1 on any failure, 2 on bad usage.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const SCHEMA_ID = "urn:dth:openapi";

function fail(message) {
  console.error(`check.mjs: ${message}`);
  process.exit(2);
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    fail(`${path}: ${e.message}`);
  }
}

// "#/components/schemas/Task" -> the value it points at (undefined when none).
function resolvePointer(doc, ref) {
  if (!ref.startsWith("#/")) return undefined;
  let node = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

function* refsIn(node, at = "#") {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* refsIn(node[i], `${at}/${i}`);
  } else if (node !== null && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") yield [at, v];
      else yield* refsIn(v, `${at}/${k}`);
    }
  }
}

// A component (response, parameter) that may be a $ref.
function deref(doc, node) {
  while (node && typeof node.$ref === "string") node = resolvePointer(doc, node.$ref);
  return node;
}

// Ajv with the document's schemas: every "#/components/schemas/X" becomes a reference
// into one schema resource that holds them all.
function makeAjv(doc) {
  const ajv = new Ajv2020({ strict: true, allErrors: true, strictTypes: false });
  addFormats(ajv);
  ajv.addFormat("password", true); // OpenAPI's hint for UIs, not a constraint
  ajv.addKeyword({ keyword: "example" });
  const rewrite = (node) => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== "object") return node;
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/components/schemas/")) {
        out.$ref = `${SCHEMA_ID}#/$defs/${v.slice("#/components/schemas/".length)}`;
      } else {
        out[k] = rewrite(v);
      }
    }
    return out;
  };
  ajv.addSchema({ $id: SCHEMA_ID, $defs: rewrite(doc.components?.schemas ?? {}) });
  const cache = new Map();
  return {
    ajv,
    compile(key, schema) {
      if (!cache.has(key)) cache.set(key, ajv.compile(rewrite(schema)));
      return cache.get(key);
    },
  };
}

function* operations(doc) {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      if (item[method]) yield [path, method, item[method], item];
    }
  }
}

async function checkDocument(docPath) {
  const doc = readJson(docPath);
  const problems = [];
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc));
  if (!result.valid) {
    for (const e of [].concat(result.errors ?? [])) problems.push(`schema: ${JSON.stringify(e)}`);
  }
  if (!String(doc.openapi).startsWith("3.1.")) problems.push(`openapi: ${doc.openapi}, expected 3.1.x`);
  for (const [at, ref] of refsIn(doc)) {
    if (resolvePointer(doc, ref) === undefined) problems.push(`${at}: $ref ${ref} resolves to nothing`);
  }
  const ids = new Map();
  for (const [path, method, op, item] of operations(doc)) {
    const where = `${method.toUpperCase()} ${path}`;
    if (!op.operationId) problems.push(`${where}: no operationId`);
    else if (ids.has(op.operationId)) problems.push(`${where}: operationId ${op.operationId} also on ${ids.get(op.operationId)}`);
    else ids.set(op.operationId, where);
    const declared = new Set(
      [...(item.parameters ?? []), ...(op.parameters ?? [])]
        .map((p) => deref(doc, p))
        .filter((p) => p && p.in === "path")
        .map((p) => p.name),
    );
    for (const m of path.matchAll(/\{([^}]+)\}/g)) {
      if (!declared.has(m[1])) problems.push(`${where}: path parameter {${m[1]}} not declared`);
    }
    if (!op.responses || Object.keys(op.responses).length === 0) problems.push(`${where}: no responses`);
  }
  try {
    const { compile } = makeAjv(doc);
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      try {
        compile(`schema ${name}`, schema);
      } catch (e) {
        problems.push(`components.schemas.${name}: ${e.message}`);
      }
    }
    // The schemas written inline: answers, request bodies, parameters.
    for (const [path, method, op, item] of operations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      const media = [];
      for (const [status, r] of Object.entries(op.responses ?? {})) {
        for (const [type, m] of Object.entries(deref(doc, r)?.content ?? {})) media.push([`${status} ${type}`, m]);
      }
      for (const [type, m] of Object.entries(deref(doc, op.requestBody)?.content ?? {})) media.push([`request ${type}`, m]);
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        const param = deref(doc, p);
        if (param?.schema) media.push([`parameter ${param.name}`, param]);
      }
      for (const [what, m] of media) {
        if (!m.schema) continue;
        try {
          compile(`${where} ${what}`, m.schema);
        } catch (e) {
          problems.push(`${where} ${what}: ${e.message}`);
        }
      }
    }
  } catch (e) {
    problems.push(`components.schemas: ${e.message}`);
  }
  for (const p of problems) console.log(`FAIL ${p}`);
  console.log(`${docPath}: ${ids.size} operations, ${Object.keys(doc.components?.schemas ?? {}).length} schemas: ` +
    (problems.length ? `${problems.length} problems` : "valid OpenAPI 3.1"));
  return problems.length === 0;
}

function mediaType(contentType) {
  return String(contentType ?? "").split(";")[0].trim().toLowerCase();
}

// One server-sent event of a documented stream, against its type's schema.
function checkEvent(doc, compile, a) {
  const op = doc.paths?.[a.route]?.[String(a.method).toLowerCase()];
  if (!op) return `${a.method} ${a.route} is not in the document`;
  const events = deref(doc, op.responses?.["200"])?.["x-dth-events"];
  if (!events) return `${a.method} ${a.route}: its 200 answer documents no x-dth-events`;
  const schema = events[a.event];
  if (!schema) return `event type '${a.event}' is not documented (documented: ${Object.keys(events).join(", ")})`;
  return validateBody(compile, `event ${a.route} ${a.event}`, schema, a.data);
}

function checkAnswer(doc, compile, a) {
  if (a.event !== undefined) return checkEvent(doc, compile, a);
  let route = a.route;
  let method = String(a.method).toLowerCase();
  if (route === "") {
    // No route matched (or the server refused the request before routing): a problem.
    if (a.status < 400) return `status ${a.status} for a path no route serves`;
    if (mediaType(a.content_type) !== "application/problem+json") return `content type ${a.content_type}, expected application/problem+json`;
    return validateBody(compile, "Problem", { $ref: "#/components/schemas/Problem" }, a.body);
  }
  const item = doc.paths?.[route];
  if (!item) return `route ${route} is not in the document`;
  if (method === "head") method = "get";
  const op = item[method];
  if (!op) return `${method.toUpperCase()} ${route} is not in the document`;
  const response = deref(doc, op.responses?.[String(a.status)] ?? op.responses?.default);
  if (!response) {
    return `status ${a.status} is not documented for ${method.toUpperCase()} ${route} (documented: ${Object.keys(op.responses ?? {}).join(", ")})`;
  }
  const content = response.content ?? {};
  if (Object.keys(content).length === 0) {
    if (a.body !== "") return `a body where the document has none (${a.body.slice(0, 80)})`;
    return null;
  }
  const type = mediaType(a.content_type);
  const media = content[type];
  if (!media) return `content type ${a.content_type}, documented: ${Object.keys(content).join(", ")}`;
  if (type === "application/json" || type === "application/problem+json") {
    return validateBody(compile, `${method} ${route} ${a.status} ${type}`, media.schema ?? {}, a.body);
  }
  if (typeof a.body !== "string") return "the body is not text";
  return null;
}

function validateBody(compile, key, schema, body) {
  let value;
  try {
    value = JSON.parse(body);
  } catch (e) {
    return `the body is not JSON: ${e.message}`;
  }
  const validate = compile(key, schema);
  if (validate(value)) return null;
  return validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`).join("; ");
}

function checkAnswers(docPath, answersPath) {
  const doc = readJson(docPath);
  const { compile } = makeAjv(doc);
  const lines = readFileSync(answersPath, "utf8").split("\n").filter((l) => l.trim() !== "");
  let failures = 0;
  let checked = 0;
  let rejected = 0;
  let events = 0;
  const answered = new Map(); // "get /api/v1/tasks" -> set of statuses
  for (const [i, line] of lines.entries()) {
    let a;
    try {
      a = JSON.parse(line);
    } catch (e) {
      fail(`${answersPath}:${i + 1}: ${e.message}`);
    }
    const why = checkAnswer(doc, compile, a);
    const label = a.event !== undefined
      ? `${a.label ?? ""} (event ${a.event} of ${a.method} ${a.route})`
      : `${a.label ?? ""} (${a.method} ${a.route || "<no route>"} -> ${a.status})`;
    if (a.expect === "reject") {
      if (why === null) {
        failures++;
        console.log(`FAIL ${label}: a drifted answer passed the document`);
      } else {
        rejected++;
      }
      continue;
    }
    if (a.event !== undefined) events++;
    else checked++;
    if (why !== null) {
      failures++;
      console.log(`FAIL ${label}: ${why}`);
    }
    if (a.route && a.event === undefined) {
      const key = `${String(a.method).toLowerCase()} ${a.route}`;
      if (!answered.has(key)) answered.set(key, new Set());
      answered.get(key).add(a.status);
    }
  }
  let documentedStatuses = 0;
  const untried = [];
  for (const [path, method, op] of operations(doc)) {
    const got = answered.get(`${method} ${path}`) ?? new Set();
    if (![...got].some((s) => s >= 200 && s < 300)) {
      failures++;
      console.log(`FAIL ${method.toUpperCase()} ${path}: no 2xx answer was checked (add a request to the test)`);
    }
    for (const status of Object.keys(op.responses ?? {})) {
      documentedStatuses++;
      if (!got.has(Number(status))) untried.push(`${method.toUpperCase()} ${path} ${status}`);
    }
  }
  console.log(`${checked} answers and ${events} events checked against ${docPath}, ${rejected} drifted ones rejected; ` +
    `${documentedStatuses - untried.length} of ${documentedStatuses} documented answers seen: ${failures} failures`);
  if (untried.length) console.log(`not seen: ${untried.join(", ")}`);
  return failures === 0;
}

const [mode, ...args] = process.argv.slice(2);
if (mode === "document" && args.length === 1) {
  process.exit((await checkDocument(args[0])) ? 0 : 1);
} else if (mode === "answers" && args.length === 2) {
  process.exit(checkAnswers(args[0], args[1]) ? 0 : 1);
} else {
  fail("usage: check.mjs document DOC.json | check.mjs answers DOC.json ANSWERS.jsonl");
}
