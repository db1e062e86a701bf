// The signed-in user's token and declared purpose. The token lives in sessionStorage, so closing the
// tab signs out; nothing here verifies it — the gateway does, on every request.

const TOKEN_KEY = "satu-atap.token";
const PURPOSE_KEY = "satu-atap.purpose";

export interface TokenClaims {
  sub: string;
  role: string;
  exp: number | null;
}

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function purpose(): string | null {
  return sessionStorage.getItem(PURPOSE_KEY);
}

export function signIn(newToken: string, newPurpose: string): void {
  sessionStorage.setItem(TOKEN_KEY, newToken.trim());
  if (newPurpose.trim()) sessionStorage.setItem(PURPOSE_KEY, newPurpose.trim());
  else sessionStorage.removeItem(PURPOSE_KEY);
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(PURPOSE_KEY);
}

/** The token's claims, read for display only (who am I, which role); null when not a JWT. */
export function claims(raw: string | null = token()): TokenClaims | null {
  const payload = raw?.split(".")[1];
  if (!payload) return null;
  try {
    const text = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const data = JSON.parse(text) as Record<string, unknown>;
    return {
      sub: typeof data.sub === "string" ? data.sub : "?",
      role: typeof data.role === "string" ? data.role : "?",
      exp: typeof data.exp === "number" ? data.exp : null,
    };
  } catch {
    return null;
  }
}
