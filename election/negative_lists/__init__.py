"""The negative lists shipped with the product, as JSON data files (one list version per file).

`ten-unsuitable.json` is the classic “十类不宜”; `six-six.json` the newer six 不能 and six 不宜.
The data migration and `election.services.negative_lists.negative_list_load_file` load them.
"""

from pathlib import Path

NEGATIVE_LIST_DIR = Path(__file__).resolve().parent


def shipped_files() -> list[Path]:
    """The shipped negative list files, in name order."""
    return sorted(NEGATIVE_LIST_DIR.glob("*.json"))
