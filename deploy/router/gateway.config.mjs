// Hive Gateway configuration, found by `hive-gateway` in its working directory (this folder).
//
// Every subgraph verifies the caller's Bearer token itself (gateway/auth) and binds identifier reads to
// the declared purpose, so the router forwards exactly those two headers and nothing else.
//
// Production (LTSA_ENV=production, as for the subgraphs, or the router's own NODE_ENV=production):
// no GraphiQL page and no introspection from the public side — the subgraphs refuse introspection in
// production too, but the router answers it from the supergraph without asking them. The router reads
// its schema from the composed supergraph file, never by introspection, so nothing else changes.
const isProduction = [process.env.LTSA_ENV, process.env.NODE_ENV].some(
  (value) => (value ?? "").trim().toLowerCase() === "production",
);

export const gatewayConfig = {
  graphiql: !isProduction,
  disableIntrospection: isProduction ? { disableIf: () => true } : false,
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      return {
        authorization: request.headers.get("authorization"),
        "x-purpose": request.headers.get("x-purpose"),
      };
    },
  },
};
