#!/usr/bin/env node
// spa-size.mjs DIST: what the built SPA (scripts/build-spa.sh) costs to download, as the
// gzipped copies the build wrote and the server sends: the main module, which the sign-in page needs, and for each chunk the first
// visit of one of its pages, which adds the chunk and the shared pieces it loads
// (__wasm_split.js names, above each piece, the chunks that load it).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const dist = process.argv[2] ?? "frontend/dist";
const pkg = readdirSync(dist).find((f) => f.startsWith("pkg-"));
if (!pkg) throw new Error(`no pkg-* directory in ${dist}: run scripts/build-spa.sh`);
const dir = join(dist, pkg);
const files = readdirSync(dir);
const gz = (f) => statSync(join(dir, `${f}.gz`)).size;
const kb = (n) => `${Math.round(n / 1024)} KB`;

const main = files.find((f) => f.endsWith("_bg.wasm"));
const glue = gz(main.replace("_bg.wasm", ".js")) + gz("__wasm_split.js");
const base = gz(main);
const link = readFileSync(join(dir, "__wasm_split.js"), "utf8");
const pieces = [...link.matchAll(/\/\* ([^*]*) \*\/\nconst __chunk_(\d+)/g)].map(([, users, n]) => ({
  users: users.split(", "),
  size: gz(`chunk_${n}.wasm`),
}));
const wasm = files.filter((f) => f.endsWith(".wasm"));
const total = wasm.reduce((sum, f) => sum + gz(f), 0);

console.log(`SPA: ${kb(base)} of WASM gzipped for the sign-in page (main module; JS ${kb(glue)}),`);
for (const f of wasm.filter((f) => f.startsWith("split_")).sort()) {
  const chunk = f.slice("split_".length, -".wasm".length);
  const shared = pieces.filter((p) => p.users.includes(chunk));
  const first = base + gz(f) + shared.reduce((sum, p) => sum + p.size, 0);
  console.log(`  with the ${chunk} chunk: ${kb(first)} (${shared.length} shared pieces)`);
}
console.log(`  every module: ${kb(total)} in ${wasm.length} files`);
