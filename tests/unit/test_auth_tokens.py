"""Token verification: HS256 with the configured secret, RS256/ES256 against a JWKS served over real HTTP."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from gateway.auth.dev_tokens import mint_token
from gateway.auth.jwks import JwksCache
from gateway.auth.principal import Role
from gateway.auth.settings import AuthConfigError, AuthSettings
from gateway.auth.verify import TokenRejected, TokenVerifier
from tests.auth_tokens import TEST_SECRET


def verify(verifier: TokenVerifier, token: str) -> Any:
    return asyncio.run(verifier.verify(token))


def rejected(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(TokenRejected) as caught:
        verify(verifier, token)
    return caught.value.reason


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {"sub": "rina", "role": "investigator", "iat": now, "exp": now + 600}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


HS = TokenVerifier(AuthSettings(secret=TEST_SECRET))


def test_a_minted_development_token_verifies_to_its_subject_and_role() -> None:
    verified = verify(HS, mint_token(TEST_SECRET, "ana", Role.STEWARD, 60))
    assert (verified.sub, verified.role) == ("ana", Role.STEWARD)


@pytest.mark.parametrize(
    "bad_claims",
    [
        claims(exp=int(time.time()) - 3600),  # expired (beyond the 30 s leeway)
        claims(nbf=int(time.time()) + 3600),  # not yet valid
        claims(exp=None),
        claims(iat=None),
        claims(sub=None),
        claims(role=None),
        claims(role="root"),
        claims(sub=""),
        claims(sub=42),
    ],
    ids=[
        "expired",
        "not-yet-valid",
        "no-exp",
        "no-iat",
        "no-sub",
        "no-role",
        "unknown-role",
        "empty-sub",
        "int-sub",
    ],
)
def test_lifetime_and_claim_problems_are_rejected(bad_claims: dict[str, Any]) -> None:
    rejected(HS, jwt.encode(bad_claims, TEST_SECRET, algorithm="HS256"))


def test_a_token_signed_with_another_secret_is_rejected() -> None:
    forged = jwt.encode(claims(), "another-secret-of-the-right-length-000000", algorithm="HS256")
    assert "Signature" in rejected(HS, forged)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "HS512", "RS256", ""])
def test_alg_none_and_algorithms_without_a_key_are_rejected(alg: str) -> None:
    unsigned = f"{_b64({'alg': alg, 'typ': 'JWT'})}.{_b64(claims(role='admin'))}."
    assert "not accepted" in rejected(HS, unsigned)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "x" * 9000, "Bearer", "e30.e30.e30"])
def test_garbage_is_rejected(garbage: str) -> None:
    rejected(HS, garbage)


def test_issuer_and_audience_are_enforced_when_configured() -> None:
    strict = TokenVerifier(
        AuthSettings(secret=TEST_SECRET, issuer="https://id.example", audience="satu-atap")
    )
    good = mint_token(TEST_SECRET, "ana", Role.APP, 60, issuer="https://id.example", audience="satu-atap")
    assert verify(strict, good).sub == "ana"
    for issuer, audience in [
        ("https://evil.example", "satu-atap"),
        ("https://id.example", "other"),
        (None, None),
    ]:
        rejected(strict, mint_token(TEST_SECRET, "ana", Role.APP, 60, issuer=issuer, audience=audience))


def test_settings_refuse_to_verify_with_nothing_or_a_short_secret() -> None:
    with pytest.raises(AuthConfigError, match="LTSA_JWKS_URL"):
        AuthSettings.from_env({})
    with pytest.raises(AuthConfigError, match="at least 32"):
        AuthSettings.from_env({"LTSA_JWT_SECRET": "short"})
    with pytest.raises(AuthConfigError, match="LTSA_JWKS_TTL"):
        AuthSettings.from_env({"LTSA_JWT_SECRET": TEST_SECRET, "LTSA_JWKS_TTL": "soon"})
    loaded = AuthSettings.from_env({"LTSA_JWKS_URL": "http://127.0.0.1:1/jwks", "LTSA_JWT_AUDIENCE": "x"})
    assert (loaded.secret, loaded.audience) == (None, "x")


# --- JWKS (RS256 / ES256) over a real local HTTP server ----------------------------------------------


class JwksServer:
    """Serves ``keys`` as a JWKS document on 127.0.0.1 and counts the fetches."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.fetches += 1
                body = json.dumps({"keys": server.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/jwks.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def publish(self, kid: str, public_key: Any, algorithm: type[RSAAlgorithm] | type[ECAlgorithm]) -> None:
        jwk = json.loads(algorithm.to_jwk(public_key))
        self.keys.append({**jwk, "kid": kid, "use": "sig"})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def jwks_server() -> Iterator[JwksServer]:
    server = JwksServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_KEY_2 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def oidc(server: JwksServer, clock: Clock) -> TokenVerifier:
    settings = AuthSettings(jwks_url=server.url, jwks_ttl_s=300)
    return TokenVerifier(settings, JwksCache(server.url, 300, min_refetch_s=10, clock=clock))


def signed(key: Any, alg: str, kid: str, **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), key, algorithm=alg, headers={"kid": kid})


def test_rs256_and_es256_tokens_verify_against_the_jwks(jwks_server: JwksServer) -> None:
    jwks_server.publish("rsa-1", RSA_KEY.public_key(), RSAAlgorithm)
    jwks_server.publish("ec-1", EC_KEY.public_key(), ECAlgorithm)
    verifier = oidc(jwks_server, Clock())
    assert verify(verifier, signed(RSA_KEY, "RS256", "rsa-1")).role is Role.INVESTIGATOR
    assert verify(verifier, signed(EC_KEY, "ES256", "ec-1", role="admin")).role is Role.ADMIN
    assert jwks_server.fetches == 1  # cached


def test_keys_are_refetched_after_the_ttl(jwks_server: JwksServer) -> None:
    jwks_server.publish("rsa-1", RSA_KEY.public_key(), RSAAlgorithm)
    clock = Clock()
    verifier = oidc(jwks_server, clock)
    verify(verifier, signed(RSA_KEY, "RS256", "rsa-1"))
    clock.now += 299
    verify(verifier, signed(RSA_KEY, "RS256", "rsa-1"))
    assert jwks_server.fetches == 1
    clock.now += 2
    verify(verifier, signed(RSA_KEY, "RS256", "rsa-1"))
    assert jwks_server.fetches == 2


def test_an_unknown_kid_refetches_once_so_rotation_works(jwks_server: JwksServer) -> None:
    jwks_server.publish("rsa-1", RSA_KEY.public_key(), RSAAlgorithm)
    clock = Clock()
    verifier = oidc(jwks_server, clock)
    verify(verifier, signed(RSA_KEY, "RS256", "rsa-1"))
    jwks_server.keys = []
    jwks_server.publish("rsa-2", RSA_KEY_2.public_key(), RSAAlgorithm)  # the provider rotated
    clock.now += 11
    assert verify(verifier, signed(RSA_KEY_2, "RS256", "rsa-2")).sub == "rina"
    assert jwks_server.fetches == 2
    assert "no key" in rejected(verifier, signed(RSA_KEY, "RS256", "rsa-1"))  # the old key is gone


def test_made_up_kids_cannot_make_the_gateway_hammer_the_provider(jwks_server: JwksServer) -> None:
    jwks_server.publish("rsa-1", RSA_KEY.public_key(), RSAAlgorithm)
    verifier = oidc(jwks_server, Clock())
    for n in range(20):
        rejected(verifier, signed(RSA_KEY, "RS256", f"made-up-{n}"))
    assert jwks_server.fetches == 1


def test_wrong_algorithm_for_the_key_type_and_key_confusion_are_rejected(jwks_server: JwksServer) -> None:
    jwks_server.publish("rsa-1", RSA_KEY.public_key(), RSAAlgorithm)
    jwks_server.publish("ec-1", EC_KEY.public_key(), ECAlgorithm)
    verifier = oidc(jwks_server, Clock())
    assert "names a RSA key" in rejected(verifier, signed(EC_KEY, "ES256", "rsa-1"))
    assert "names a EC key" in rejected(verifier, signed(RSA_KEY, "RS256", "ec-1"))
    # The classic confusion: HMAC-sign with the public key's PEM and claim HS256. Without a configured
    # secret HS256 is not accepted at all, whatever the signature.
    pem = RSA_KEY.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    signing_input = f"{_b64({'alg': 'HS256', 'kid': 'rsa-1'})}.{_b64(claims(role='admin'))}"
    mac = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    confused = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    assert "not accepted" in rejected(verifier, confused)
    assert "without a key id" in rejected(verifier, jwt.encode(claims(), RSA_KEY, algorithm="RS256"))
    assert "Signature" in rejected(verifier, signed(RSA_KEY_2, "RS256", "rsa-1"))  # wrong private key


def test_an_unreachable_jwks_rejects_instead_of_hanging_or_accepting() -> None:
    cache = JwksCache("http://127.0.0.1:9/jwks.json", 300, fetch_timeout_s=2)
    verifier = TokenVerifier(AuthSettings(jwks_url=cache.url), cache)
    assert "could not be fetched" in rejected(verifier, signed(RSA_KEY, "RS256", "rsa-1"))


def test_a_remembered_token_is_refused_once_its_lifetime_is_over() -> None:
    clock = Clock()
    clock.now = time.time()
    verifier = TokenVerifier(AuthSettings(secret=TEST_SECRET, leeway_s=30), clock=clock)
    token = jwt.encode(claims(exp=int(clock.now) + 60), TEST_SECRET, algorithm="HS256")
    assert verify(verifier, token).sub == "rina"
    clock.now += 60 + 29  # within exp + leeway: still good, from memory
    assert verify(verifier, token).sub == "rina"
    clock.now += 2  # past exp + leeway
    assert "lifetime" in rejected(verifier, token)
    later = jwt.encode(claims(exp=int(time.time()) + 600), TEST_SECRET, algorithm="HS256")
    assert verify(verifier, later).sub == "rina"  # the memory refuses only what it should


def test_a_remembered_token_is_checked_again_when_its_key_changes(jwks_server: JwksServer) -> None:
    jwks_server.publish("rsa-1", RSA_KEY.public_key(), RSAAlgorithm)
    clock = Clock()
    verifier = oidc(jwks_server, clock)
    token = signed(RSA_KEY, "RS256", "rsa-1")
    assert verify(verifier, token).sub == "rina"
    assert verify(verifier, token).sub == "rina"  # remembered: no refetch
    assert jwks_server.fetches == 1
    # The provider now publishes another key under the same kid: the token's signature no longer holds.
    jwks_server.keys = []
    jwks_server.publish("rsa-1", RSA_KEY_2.public_key(), RSAAlgorithm)
    clock.now += 301  # past the JWKS TTL: the next lookup refetches
    assert "Signature" in rejected(verifier, token)
    assert jwks_server.fetches == 2


def test_the_memory_of_verified_tokens_is_bounded() -> None:
    from gateway.auth.verify import VERIFIED_CACHE

    verifier = TokenVerifier(AuthSettings(secret=TEST_SECRET))
    first = jwt.encode(claims(sub="u-first"), TEST_SECRET, algorithm="HS256")
    verify(verifier, first)
    for n in range(VERIFIED_CACHE + 5):
        verify(verifier, jwt.encode(claims(sub=f"u{n}"), TEST_SECRET, algorithm="HS256"))
    assert len(verifier._remembered) == VERIFIED_CACHE
    assert first not in verifier._remembered  # the least recently used went first
    assert verify(verifier, first).sub == "u-first"  # and is simply verified again


def test_a_remembered_token_whose_key_was_rotated_out_is_refused_and_forgotten(
    jwks_server: JwksServer,
) -> None:
    jwks_server.publish("rsa-1", RSA_KEY.public_key(), RSAAlgorithm)
    clock = Clock()
    verifier = oidc(jwks_server, clock)
    token = signed(RSA_KEY, "RS256", "rsa-1")
    assert verify(verifier, token).sub == "rina"
    jwks_server.keys = []
    jwks_server.publish("rsa-2", RSA_KEY_2.public_key(), RSAAlgorithm)
    clock.now += 301  # past the JWKS TTL
    assert "no key" in rejected(verifier, token)
    assert token not in verifier._remembered
