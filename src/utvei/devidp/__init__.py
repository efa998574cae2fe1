"""A local OpenID Connect provider for development, tests and the demo: never for production.

It stands in for ID-porten (the person's login) and for an organisation's staff provider (such as
Entra ID). It signs real ID tokens with an RSA key made when it starts, so the relying party's checks
run exactly as against a real provider. It can also be told to misbehave (a wrong audience, issuer or
nonce, an expired token, ``alg=none``, a bad signature, an HMAC signature or a lower level of
assurance), which is what the attack tests feed the relying party.

It is a small WSGI app on the standard library and joserfc; it needs no Django. ``python -m
utvei.devidp`` runs it (see README.md); it refuses to start unless ``UTVEI_ENV`` is development, test
or demo.
"""

from utvei.devidp.server import ALLOWED_ENVIRONMENTS, ATTACKS, Client, FakeProvider, Identity, serve_in_thread

__all__ = ["ALLOWED_ENVIRONMENTS", "ATTACKS", "Client", "FakeProvider", "Identity", "serve_in_thread"]
