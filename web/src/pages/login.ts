// /login: paste a development token (always works) or, when the server offers them, take one by role.

import { ApiError, pagesConfig } from "../api";
import { byId, h, replace } from "../dom";
import { t } from "../i18n";
import { claims, signIn } from "../session";
import { announce, announceError, mountShell } from "../shell";

const HOME_OF_ROLE: Record<string, string> = { steward: "/review", investigator: "/explore" };
const HOME = "/coverage"; // every role may read the coverage figures

function signedIn(token: string, purpose: string): void {
  signIn(token, purpose);
  const who = claims();
  mountShell();
  announce(`${t("login.done")} ${who?.sub ?? "?"} (${who?.role ?? "?"})`, "success");
  const next = new URLSearchParams(window.location.search).get("next");
  // Only same-site paths: a crafted ?next= must not send the token holder elsewhere.
  const target =
    next?.startsWith("/") && !next.startsWith("//") ? next : (HOME_OF_ROLE[who?.role ?? ""] ?? HOME);
  window.location.assign(target);
}

async function devToken(role: string): Promise<string> {
  const response = await fetch("/pages/dev-token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ role }),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!response.ok || !body.token)
    throw new ApiError(body.error ?? `HTTP ${response.status}`, null, response.status);
  return body.token;
}

async function offerRoles(): Promise<void> {
  const config = await pagesConfig();
  if (!config.devLogin) return;
  const buttons = config.roles.map((role) => {
    const button = h("button", { type: "button", "data-role": role }, role);
    button.addEventListener("click", () => {
      devToken(role)
        .then((token) => signedIn(token, byId<HTMLInputElement>("purpose").value))
        .catch(announceError);
    });
    return button;
  });
  replace(byId("role-buttons"), ...buttons);
  byId("dev-roles").hidden = false;
}

mountShell();
byId<HTMLFormElement>("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = byId<HTMLTextAreaElement>("token").value.trim();
  if (!token) return announce(t("login.empty"), "error");
  if (token.split(".").length !== 3) return announce(t("login.badToken"), "error");
  signedIn(token, byId<HTMLInputElement>("purpose").value);
});
offerRoles().catch(announceError);
