"""Fail when the Chinese catalogue lacks a msgid the code uses, or has untranslated or fuzzy ones.

Runs `makemessages` into a temporary copy of locale/, so the committed catalogue is never touched,
then counts what `msgattrib` finds. Run `make messages` to update the real catalogue.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


SKIP = {"locale", ".venv", "node_modules", "staticfiles", ".git", "media", ".test-media", ".make"}


def entries(po: Path, flag: str) -> list[str]:
    out = subprocess.run(  # noqa: S603 - fixed arguments
        ["msgattrib", flag, "--no-obsolete", "--no-wrap", str(po)],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    ids = [line[len("msgid ") :] for line in out.splitlines() if line.startswith("msgid ")]
    return [i for i in ids if i != '""']  # the header is not an entry


def main() -> int:
    import django
    from django.core.management import call_command
    from django.test.utils import override_settings

    django.setup()
    with tempfile.TemporaryDirectory() as tmp:
        # makemessages writes next to any `locale/` it finds under the working directory, so it
        # runs in a mirror of the sources (symlinks) whose only catalogue is a copy
        locale = Path(tmp) / "catalogue" / "locale"
        shutil.copytree(BASE_DIR / "locale", locale)
        mirror = Path(tmp) / "src"
        mirror.mkdir()
        for item in BASE_DIR.iterdir():
            if item.name not in SKIP:
                (mirror / item.name).symlink_to(item)
        os.chdir(mirror)
        with override_settings(LOCALE_PATHS=[locale]):
            call_command(
                "makemessages",
                locale=["zh_Hans"],
                no_location=True,
                no_obsolete=True,
                symlinks=True,
                ignore_patterns=["static/vendor/*"],
                verbosity=0,
            )
        os.chdir(BASE_DIR)
        po = locale / "zh_Hans" / "LC_MESSAGES" / "django.po"
        untranslated = entries(po, "--untranslated")
        fuzzy = entries(po, "--only-fuzzy")
    for msgid in untranslated:
        print(f"untranslated: {msgid}")  # noqa: T201
    for msgid in fuzzy:
        print(f"fuzzy: {msgid}")  # noqa: T201
    print(f"zh_Hans: {len(untranslated)} untranslated, {len(fuzzy)} fuzzy")  # noqa: T201
    if untranslated or fuzzy:
        print("Run `make messages` and translate the entries above.")  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
