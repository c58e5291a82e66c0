"""Prepare a throwaway database for scripts/api_fuzz.sh: migrate, seed the demo data and issue
one API token for the demo member and one for the demo moderator.

Run from the repository root with the virtualenv's Python and DJANGO_VAR_DIR pointing at a
temporary directory (the script refuses the default var/ so it never touches a real database):

    DJANGO_VAR_DIR=/tmp/x DJANGO_DEBUG=1 .venv/bin/python scripts/api_fuzz_setup.py OUT_DIR

It writes OUT_DIR/member.token and OUT_DIR/moderator.token (mode 600), each holding one secret.
Tokens are issued through community.tokens.api_token_create, the same service the token page
uses: the token API itself is session-only, and a token cannot mint another.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The demo accounts (community/management/commands/seed_demo.py) the runs sign in as.
ACCOUNTS = {"member": "Robin", "moderator": "Alex Moderator"}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {argv[0]} OUT_DIR", file=sys.stderr)
        return 2
    out_dir = Path(argv[1])
    var_dir = os.environ.get("DJANGO_VAR_DIR", "")
    if not var_dir or Path(var_dir).resolve() == (ROOT / "var").resolve():
        print("DJANGO_VAR_DIR must point at a throwaway directory.", file=sys.stderr)
        return 2
    if os.environ.get("DATABASE_URL"):
        print("Unset DATABASE_URL: the fuzz run uses its own SQLite file.", file=sys.stderr)
        return 2

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from community.models import Member
    from community.tokens import api_token_create

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", force=True, verbosity=0)
    for role, pseudonym in ACCOUNTS.items():
        member = Member.objects.get(pseudonym=pseudonym)
        _token, secret = api_token_create(owner=member, name=f"schemathesis {role}")
        path = out_dir / f"{role}.token"
        path.touch(mode=0o600)
        path.write_text(secret + "\n")
        print(f"Issued an API token for {pseudonym} ({role}).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
