from .communities import (
    committee_edit,
    community_detail,
    community_edit,
    community_history,
    community_list,
)
from .transfer import (
    community_export,
    import_preview,
    import_status,
    import_template,
    import_upload,
)

__all__ = [
    "committee_edit",
    "community_detail",
    "community_edit",
    "community_export",
    "community_history",
    "community_list",
    "import_preview",
    "import_status",
    "import_template",
    "import_upload",
]
