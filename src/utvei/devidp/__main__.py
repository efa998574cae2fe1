"""Run the fake OpenID provider: ``python -m utvei.devidp [--port 8001] [--app http://127.0.0.1:8000]``."""

from __future__ import annotations

import argparse
import sys

from utvei.devidp.demo import demo_clients
from utvei.devidp.server import FakeProvider, RefusedEnvironment, make_wsgi_server


def main(argv: list[str] | None = None) -> int:
    """Serve the demo's provider until interrupted; refuse outside development, test and demo."""
    parser = argparse.ArgumentParser(description="Local fake OpenID Connect provider (never in production).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument(
        "--app", action="append", help="Utvei's address the provider may send users back to (repeatable)"
    )
    args = parser.parse_args(argv)
    apps = args.app or ["http://127.0.0.1:8000", "http://localhost:8000"]
    try:
        provider = FakeProvider(issuer=f"http://{args.host}:{args.port}", clients=demo_clients(apps))
        server = make_wsgi_server(provider, args.host, args.port)
    except RefusedEnvironment as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Fake OpenID provider at {provider.issuer} (synthetic accounts only)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
