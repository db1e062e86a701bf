// The benchmark peer: @neo4j/graphql over the same Neo4j, served by graphql-yoga.
// usage: NEO4J_URI=bolt://127.0.0.1:7687 PORT=4400 node server.mjs
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { createYoga } from "graphql-yoga";
import neo4j from "neo4j-driver";

const uri = process.env.NEO4J_URI;
const port = Number(process.env.PORT ?? 4400);
if (!uri) {
  console.error("NEO4J_URI is required");
  process.exit(2);
}
const auth = process.env.NEO4J_PASSWORD
  ? neo4j.auth.basic(process.env.NEO4J_USER ?? "neo4j", process.env.NEO4J_PASSWORD)
  : undefined;
const driver = neo4j.driver(uri, auth);
const typeDefs = readFileSync(new URL("./typeDefs.graphql", import.meta.url), "utf-8");
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const yoga = createYoga({ schema, graphiql: false, logging: "error" });
createServer(yoga).listen(port, "127.0.0.1", () => console.log(`neo4j-graphql peer on :${port}`));
