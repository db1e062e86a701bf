// Hive Gateway configuration, found by `hive-gateway` in its working directory (this folder).
//
// Every subgraph verifies the caller's Bearer token itself (gateway/auth) and binds identifier reads to
// the declared purpose, so the router forwards exactly those two headers and nothing else.
export const gatewayConfig = {
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      return {
        authorization: request.headers.get("authorization"),
        "x-purpose": request.headers.get("x-purpose"),
      };
    },
  },
};
