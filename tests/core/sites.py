"""Throw-away Utvei installations run in their own processes, for tests that copy, kill or upgrade a database.

A ``Site`` has its own main database and key store: SQLite files, or PostgreSQL databases when the suite
runs on PostgreSQL. ``Site.call`` runs one function of this module in a fresh Python process of that
site (so a kill -9 kills only that process) and returns what it printed as JSON. The ``child_*``
functions are what runs there.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"

# The last migration of each app before values were bound to their rows (the format v1 schema).
OLD_TARGETS = [
    ("core", "0001_initial"),
    ("cases", "0001_initial"),
    ("contacts", "0002_seed_methods"),
    ("mentoring", "0001_initial"),
    ("network", "0002_networknode_measure"),
    ("plans", "0002_legal_references"),
    ("sharing", "0005_disclosure_facts"),
]
UPGRADE = ("core", "0005_encryption_v2")
ENCRYPTION_KEY = base64.b64encode(b"s" * 32).decode()


def _pg_url() -> str | None:
    url = os.environ.get("UTVEI_DATABASE_URL", "")
    return url if url.startswith("postgres") else None


def _pg_admin(sql: str) -> None:
    import psycopg

    url = _pg_url()
    assert url is not None
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


class Site:
    """One installation: a main database, a key store, and the environment to run Utvei against them."""

    def __init__(self, directory: Path, name: str = "", *, keys_of: Site | None = None) -> None:
        self.directory = directory
        self.name = name or f"utvei_site_{secrets.token_hex(4)}"
        self.pg = _pg_url()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("UTVEI_")}
        self.env |= {
            "UTVEI_ENV": "test",
            "UTVEI_VAR_DIR": str(directory),
            "UTVEI_ENCRYPTION_KEYS": f"site:{ENCRYPTION_KEY}",
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
            "DJANGO_SETTINGS_MODULE": "utvei.settings",
        }
        directory.mkdir(parents=True, exist_ok=True)
        if self.pg:
            base = self.pg.rsplit("/", 1)[0]
            self.env["UTVEI_DATABASE_URL"] = f"{base}/{self.name}"
            self.env["UTVEI_KEYSTORE_DATABASE_URL"] = f"{base}/{(keys_of or self).name}_keys"
        else:
            self.env["UTVEI_DATABASE_URL"] = f"sqlite:///{directory / 'main.sqlite3'}"
            keys_dir = (keys_of or self).directory
            self.env["UTVEI_KEYSTORE_DATABASE_URL"] = f"sqlite:///{keys_dir / 'keys.sqlite3'}"

    def create(self) -> Site:
        """Create the (empty) databases on PostgreSQL; SQLite makes its files by itself."""
        if self.pg:
            _pg_admin(f'CREATE DATABASE "{self.name}"')
            _pg_admin(f'CREATE DATABASE "{self.name}_keys"')
        return self

    def drop(self) -> None:
        """Remove the site's PostgreSQL databases."""
        if self.pg:
            for name in (self.name, f"{self.name}_keys"):
                _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def copy_main(self, directory: Path) -> Site:
        """Copy the main database (a backup of it) into a new site that shares this site's key store."""
        copy = Site(directory, f"{self.name}_copy", keys_of=self)
        if self.pg:
            _pg_admin(f'CREATE DATABASE "{copy.name}" TEMPLATE "{self.name}"')
        else:
            with (
                sqlite3.connect(self.directory / "main.sqlite3") as source,
                sqlite3.connect(directory / "main.sqlite3") as target,
            ):
                source.backup(target)
        return copy

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a Python command line in the site's environment."""
        done = subprocess.run(
            [str(PYTHON if PYTHON.exists() else sys.executable), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``manage.py`` for the site."""
        return self.run("manage.py", *args, check=check)

    def call(self, function: str, *args: object, check: bool = True) -> Any:
        """Run ``child_<function>(*args)`` of this module in a fresh process; give what it printed (JSON)."""
        code = (
            "import json, sys, django; django.setup(); from tests.core import sites; "
            f"print(json.dumps(sites.child_{function}(*json.loads(sys.argv[1]))))"
        )
        done = self.run("-c", code, json.dumps(list(args)), check=check)
        if not check:
            return done
        return json.loads(done.stdout.strip().splitlines()[-1])


# --- what runs inside a site's process -----------------------------------------------------------------


def _executor() -> Any:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection)


def _old_leaves(executor: Any) -> list[tuple[str, str]]:
    """Give the targets of the format v1 schema: the old migrations and every leaf that needs none newer."""
    graph = executor.loader.graph
    old = set(OLD_TARGETS)
    allowed = {node for target in old for node in graph.forwards_plan(target)}
    newer = {n for n in graph.nodes if n[0] in dict(OLD_TARGETS) and n not in allowed}
    leaves = [leaf for leaf in graph.leaf_nodes() if not newer & set(graph.forwards_plan(leaf))]
    return sorted(old | set(leaves))


def _v1(plain: str, context: str) -> str:
    """Seal a value as the old format v1 did (bound to table and column only)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(12)
    sealed = AESGCM(base64.b64decode(ENCRYPTION_KEY)).encrypt(nonce, plain.encode(), context.encode())
    return f"v1:site:{base64.b64encode(nonce + sealed).decode()}"


def _set(table: str, pk: int, **values: str) -> None:
    from django.db import connection

    assignments = ", ".join(f"{column} = %s" for column in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*values.values(), pk])  # noqa: S608


# The values an old database holds, and what each must read as after the upgrade.
OLD_VALUES = {
    "national_id": "14030112345",
    "address": "Gamleveien 3",
    "referral_reason": "Gammel grunn for henvendelsen.",
    "assessed_by": "Vurdert av politiet",
    "task": "Ring tilbake",
    "concern_subject": "Ungdom (A.B.)",
    "concern_description": "Uttalelser i klasserommet.",
    "mentor_name": "Mentor Gammel",
    "draft": "halvskrevet notat",
    "snapshot_label": "Onkel (M)",
}


def child_make_old_database(rows: int) -> dict[str, Any]:
    """Migrate to the v1 schema and write an old database by hand: v1 values and clear text, ``rows`` cases."""
    from datetime import date

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", database="keys", verbosity=0)
    executor = _executor()
    executor.migrate(_old_leaves(executor))
    old = executor.loader.project_state(_old_leaves(executor)).apps
    organisation = old.get_model("accounts", "Organisation").objects.create(name="Gamle kommune", kind="municipality")
    user = old.get_model("accounts", "User").objects.create(username="gammel", password="!")
    v = OLD_VALUES
    ids: dict[str, list[int]] = {"person": [], "case": [], "task": []}
    for index in range(rows):
        person = old.get_model("cases", "Person").objects.create(
            given_name=f"Gammel{index}", family_name="Person", birth_date=date(2001, 3, 14), registered_by=organisation
        )
        _set(
            "cases_person",
            person.pk,
            national_id=f"{v['national_id']}{index}"[-11:] if index else v["national_id"],
            address=_v1(v["address"], "cases.Person.address"),
        )
        case = old.get_model("cases", "Case").objects.create(
            reference=f"OLD-{index}",
            person=person,
            responsible_organisation=organisation,
            created_by=user,
            referral_source="self",
            referral_date=date(2026, 1, 1),
            security_assessment="assessed",
        )
        _set(
            "cases_case",
            case.pk,
            referral_reason=_v1(v["referral_reason"], "cases.Case.referral_reason"),
            security_assessed_by=v["assessed_by"],
        )
        task = old.get_model("cases", "Task").objects.create(
            case=case, title=v["task"], due_on=date(2026, 2, 1), assignee=user, created_by=user
        )
        snapshot = old.get_model("network", "NetworkSnapshot").objects.create(
            case=case,
            taken_on=date(2026, 1, 2),
            reason="mapping",
            taken_by=user,
            owner_organisation=organisation,
            nodes=[{"id": 1, "label": v["snapshot_label"], "kind": "person", "valence": "risk"}],
        )
        ids["person"].append(person.pk)
        ids["case"].append(case.pk)
        ids["task"].append(task.pk)
        ids.setdefault("snapshot", []).append(snapshot.pk)
    concern = old.get_model("cases", "Concern").objects.create(
        organisation=organisation, recorded_by=user, subject=v["concern_subject"], delete_after=date(2026, 6, 1)
    )
    _set("cases_concern", concern.pk, description=_v1(v["concern_description"], "cases.Concern.description"))
    mentor = old.get_model("mentoring", "Mentor").objects.create(
        organisation=organisation, name=v["mentor_name"], scheme="municipal", training="rvts"
    )
    draft = old.get_model("core", "Draft").objects.create(user=user, form_key="/x/", field="notes")
    _set("core_draft", draft.pk, text=_v1(v["draft"], "core.Draft.text"))
    connection.close()
    return {**ids, "concern": concern.pk, "mentor": mentor.pk, "draft": draft.pk}


def child_migrate_to_before_upgrade() -> None:
    """Apply every schema migration, stopping before the data migration that re-encrypts."""
    executor = _executor()
    plan_targets = [n for n in executor.loader.graph.leaf_nodes() if n[0] != "core"]
    plan_targets.append(("core", "0004_draft_row_uid_datakey"))
    executor.migrate(plan_targets)


def child_upgrade(kill_after: int) -> dict[str, Any]:
    """Run the data migration's upgrade as ``migrate`` does, killing this process (-9) after ``kill_after`` rows."""
    import importlib
    import signal

    from django.db import transaction

    from utvei.core.crypto_upgrade import upgrade_values

    migration = importlib.import_module("utvei.core.migrations.0005_encryption_v2")
    executor = _executor()
    apps = executor.loader.project_state(UPGRADE, at_end=False).apps

    def on_row(count: int) -> None:
        if kill_after and count >= kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    with transaction.atomic():
        report = upgrade_values(apps, alias="default", newly_encrypted=migration.NEWLY_ENCRYPTED, on_row=on_row)
    return {"upgraded": sum(report.upgraded.values()), "already": sum(report.already.values()), "failed": report.failed}


def child_raw_values() -> dict[str, str]:
    """Give every stored encrypted value, by table, column and row, straight from the tables."""
    from django.db import connection

    from utvei.core.crypto import encrypted_fields
    from utvei.core.crypto_rotation import encrypted_models

    found = {}
    with connection.cursor() as cursor:
        for model in encrypted_models():
            table = model._meta.db_table
            for field in encrypted_fields(model):
                cursor.execute(f"SELECT id, {field.column} FROM {table}")  # noqa: S608
                for pk, value in cursor.fetchall():
                    found[f"{table}.{field.column}.{pk}"] = "" if value is None else str(value)
    return found


def child_read_upgraded(ids: dict[str, Any]) -> dict[str, Any]:
    """Read the upgraded values through the models, and search a number by its blind index."""
    from utvei.cases.models import Case, Concern, Person, Task
    from utvei.cases.services.persons import national_id_indexes
    from utvei.core.models import Draft
    from utvei.mentoring.models import Mentor
    from utvei.network.models import NetworkSnapshot

    person = Person.objects.get(pk=ids["person"][0])
    case = Case.objects.get(pk=ids["case"][0])
    concern = Concern.objects.get(pk=ids["concern"])
    return {
        "national_id": person.national_id,
        "address": person.address,
        "referral_reason": case.referral_reason,
        "assessed_by": case.security_assessed_by,
        "task": Task.objects.get(pk=ids["task"][0]).title,
        "concern_subject": concern.subject,
        "concern_description": concern.description,
        "mentor_name": Mentor.objects.get(pk=ids["mentor"]).name,
        "draft": Draft.objects.get(pk=ids["draft"]).text,
        "snapshot_label": NetworkSnapshot.objects.get(pk=ids["snapshot"][0]).nodes[0]["label"],
        "found_by_number": list(
            Person.objects.filter(national_id_index__in=national_id_indexes(person.national_id)).values_list(
                "pk", flat=True
            )
        ),
        "data_keys": len({p.data_key for p in Person.objects.all()}),
    }


def child_seed_demo() -> dict[str, Any]:
    """Migrate both databases and seed the demo; give Jonas' and Emma's ids and Jonas' wrapped key."""
    from django.core.management import call_command

    from utvei.accounts.demo import seed_demo
    from utvei.cases.models import Person
    from utvei.core.models import DataKey

    call_command("migrate", database="keys", verbosity=0)
    call_command("migrate", verbosity=0)
    seed_demo()
    jonas = Person.objects.get(given_name="Jonas")
    emma = Person.objects.get(given_name="Emma")
    return {"jonas": jonas.pk, "emma": emma.pk, "wrapped": DataKey.objects.get(pk=jonas.data_key).wrapped}


def child_erase(person_id: int) -> bool:
    """Destroy the person's data key through the service, as the erasure workflow will."""
    from utvei.cases.services import person_data_key_destroy

    return person_data_key_destroy(actor=None, person_id=person_id)


def child_read_person(person_id: int) -> dict[str, Any]:
    """Read a person's encrypted fields and those of their case, through the models and raw."""
    from django.utils import translation

    from utvei.cases.models import Case, Person
    from utvei.contacts.models import Conversation
    from utvei.core import cipher, keystore
    from utvei.core.crypto import row_of
    from utvei.plans.models import Goal

    translation.activate("nb")
    person = Person.objects.get(pk=person_id)
    case = Case.objects.get(person=person)
    raw_reason = case.__dict__["referral_reason"].stored
    try:
        cipher.unseal(raw_reason, key_for=keystore.key_for, context="cases.Case.referral_reason", row=row_of(case))
        raw_result = "decrypted"
    except cipher.DecryptionError as exc:
        raw_result = exc.reason
    return {
        "name": person.given_name,
        "address": person.address,
        "national_id": person.national_id,
        "referral_reason": case.referral_reason,
        "tasks": sorted(t.title for t in case.tasks.all()),
        "notes": sorted(c.notes for c in Conversation.objects.filter(case=case)),
        "goals": sorted(g.text for g in Goal.objects.filter(case=case)),
        "raw": raw_result,
    }


def child_find_anywhere(needle: str) -> list[str]:
    """Search every column of every table of the main database for a string."""
    from django.db import connection

    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            hits.extend(
                table for row in cursor.fetchall() for value in row if value is not None and needle in str(value)
            )
    return hits


def child_backup(directory: str) -> str:
    """Back up the main database with ``core/backup.py`` (VACUUM INTO or pg_dump); give the file's path."""
    from pathlib import Path

    from utvei.core.backup import backup_database

    return str(backup_database(directory=Path(directory)))


def child_erase_on_request(person_id: int) -> dict[str, Any]:
    """Erase a person through the whole workflow: the coordinator files, the data protection officer approves."""
    from utvei.accounts.models import User
    from utvei.cases.models import Case, Person
    from utvei.core import keystore
    from utvei.privacy import services
    from utvei.privacy.models import ArchiveAssessment, ErasureGround

    case = Case.objects.get(person_id=person_id)
    request = services.erasure_request_file(
        actor=User.objects.get(username="koordinator"),
        case_id=case.pk,
        ground=ErasureGround.CONSENT_WITHDRAWN,
        archive_assessment=ArchiveAssessment.NOT_ARCHIVAL,
        judgement="Samtykket er trukket; sakene er ikke arkivpliktige.",
    )
    done = services.erasure_decide(
        actor=User.objects.get(username="personvern"), request_id=request.pk, approve=True, reason="Godkjent."
    )
    person = Person.objects.get(pk=person_id)
    return {
        "status": done.status,
        "receipt": str(done.receipt.run_id) if done.receipt else "",
        "name": person.given_name,
        "key_live": keystore.data_key_is_live(person.data_key),
    }


def child_read_restored(backup: str, directory: str, person_id: int) -> dict[str, Any]:
    """Restore a backup with ``core/backup.py`` into a scratch database and read the person's fields there."""
    from pathlib import Path

    from django.utils import translation

    from utvei.cases.models import Case, Person
    from utvei.contacts.models import Conversation
    from utvei.core.backup import restored_copy, vendor

    translation.activate("nb")
    Path(directory).mkdir(parents=True, exist_ok=True)
    with restored_copy(backup=Path(backup), directory=Path(directory)) as alias:
        person = Person.objects.using(alias).get(pk=person_id)
        case = Case.objects.using(alias).get(person_id=person_id)
        return {
            "vendor": vendor(alias),
            "name": person.given_name,
            "address": person.address,
            "national_id": person.national_id,
            "referral_reason": case.referral_reason,
            "notes": sorted(c.notes for c in Conversation.objects.using(alias).filter(case_id=case.pk)),
        }
