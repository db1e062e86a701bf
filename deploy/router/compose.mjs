// Compose the Satu Atap subgraphs into a Federation v2 supergraph with @theguild/federation-composition.
//
// usage: node compose.mjs <out.graphql> <name>=<url>=<sdl-file> [<name>=<url>=<sdl-file> ...]
// Exits 1 with every composition error on stderr; the output file is written only on success.
import { readFileSync, writeFileSync } from "node:fs";
import { parse } from "graphql";
import { composeServices } from "@theguild/federation-composition";

const [out, ...specs] = process.argv.slice(2);
if (!out || specs.length === 0) {
  console.error("usage: node compose.mjs <out.graphql> <name>=<url>=<sdl-file> ...");
  process.exit(2);
}

const services = specs.map((spec) => {
  const [name, ...rest] = spec.split("=");
  const file = rest.pop();
  const url = rest.join("=");
  if (!name || !url || !file) {
    console.error(`not <name>=<url>=<sdl-file>: ${spec}`);
    process.exit(2);
  }
  return { name, url, typeDefs: parse(readFileSync(file, "utf-8")) };
});

const result = composeServices(services);
if (result.errors && result.errors.length > 0) {
  for (const error of result.errors) console.error(`composition error: ${error.message}`);
  process.exit(1);
}
writeFileSync(out, result.supergraphSdl);
console.log(`supergraph written to ${out} (${services.map((s) => s.name).join(", ")})`);
