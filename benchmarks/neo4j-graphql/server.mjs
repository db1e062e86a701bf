// The benchmark peer: @neo4j/graphql over the same Neo4j, served by graphql-yoga.
// usage: NEO4J_URI=bolt://127.0.0.1:7687 PORT=4400 [PROCESSES=2] node server.mjs
// PROCESSES > 1: a node:cluster of that many workers sharing the port (the primary hands out
// connections round robin), to compare with a gateway served by as many processes.
import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { createYoga } from "graphql-yoga";
import neo4j from "neo4j-driver";

const uri = process.env.NEO4J_URI;
const port = Number(process.env.PORT ?? 4400);
const processes = Number(process.env.PROCESSES ?? 1);
if (!uri) {
  console.error("NEO4J_URI is required");
  process.exit(2);
}

async function serve() {
  const auth = process.env.NEO4J_PASSWORD
    ? neo4j.auth.basic(process.env.NEO4J_USER ?? "neo4j", process.env.NEO4J_PASSWORD)
    : undefined;
  const driver = neo4j.driver(uri, auth);
  const typeDefs = readFileSync(new URL("./typeDefs.graphql", import.meta.url), "utf-8");
  const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
  const yoga = createYoga({ schema, graphiql: false, logging: "error" });
  createServer(yoga).listen(port, "127.0.0.1", () => console.log(`neo4j-graphql peer on :${port}`));
}

if (processes > 1 && cluster.isPrimary) {
  for (let i = 0; i < processes; i++) cluster.fork();
  let stopping = false;
  cluster.on("exit", (worker, code) => {
    if (!stopping) {
      console.error(`peer worker ${worker.process.pid} exited with ${code}`);
      process.exit(1);
    }
  });
  process.on("SIGTERM", () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    process.exit(0);
  });
} else {
  await serve();
}
