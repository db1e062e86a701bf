// The one way the pages talk to the server: POST to the public GraphQL endpoint with the user's
// Bearer token and, when declared, the X-Purpose header. The endpoint comes from /pages/config.json
// so the same build works behind the federation router or a single gateway.

import { purpose, token } from "./session";

export interface PagesConfig {
  graphqlUrl: string;
  devLogin: boolean;
  roles: string[];
}

/** A GraphQL or HTTP failure, with the server's error code when it gave one (e.g. CONFLICT). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    readonly status: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let configPromise: Promise<PagesConfig> | null = null;

export function pagesConfig(): Promise<PagesConfig> {
  configPromise ??= fetch("/pages/config.json", { headers: { accept: "application/json" } }).then(
    async (response) => {
      if (!response.ok) throw new ApiError(`config: HTTP ${response.status}`, null, response.status);
      return (await response.json()) as PagesConfig;
    },
  );
  return configPromise;
}

interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string };
}

export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const { graphqlUrl } = await pagesConfig();
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json",
  };
  const bearer = token();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const declared = purpose();
  if (declared) headers["x-purpose"] = declared;
  let response: Response;
  try {
    response = await fetch(graphqlUrl, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ApiError(`network: ${(error as Error).message}`, "NETWORK", 0);
  }
  const body = (await response.json().catch(() => ({}))) as { data?: T; errors?: GraphQLErrorBody[] };
  const first = body.errors?.[0];
  if (first) throw new ApiError(first.message, first.extensions?.code ?? null, response.status);
  if (!response.ok || body.data === undefined) {
    throw new ApiError(
      `HTTP ${response.status}`,
      response.status === 401 ? "UNAUTHENTICATED" : null,
      response.status,
    );
  }
  return body.data;
}
