// Builds the pages into dist/: one ES module per page (shared code split into chunks), the HTML
// shells and the stylesheet. No hashes in names and no timestamps, so the same lockfile and sources
// give byte-identical output; the server sends the files with `Cache-Control: no-cache`.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { build } from "esbuild";

const PAGES = ["review", "explore", "coverage", "login"];

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist/assets", { recursive: true });
await build({
  entryPoints: PAGES.map((page) => `src/pages/${page}.ts`),
  outdir: "dist/assets",
  bundle: true,
  splitting: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: false,
  legalComments: "linked",
  chunkNames: "chunk-[hash]",
  logLevel: "warning",
});
for (const page of PAGES) cpSync(`html/${page}.html`, `dist/${page}.html`);
cpSync("src/styles.css", "dist/assets/styles.css");
