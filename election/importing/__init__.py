"""Excel imports into a campaign: nominees, election results and the previous term's members.

Built on the community import (`communities.importing`): the same refusals of a file before
openpyxl opens it (not an .xlsx, too big, a zip bomb, macros, too many texts), the same streamed
and bounded reading, the same problems by row and column, and the same life of an import
(checked in a task, confirmed, imported in a task, all or nothing).

- `columns`: each kind's sheets and columns, and the downloadable templates (with a 说明 sheet)
- `reading`: the data sheets read into valid rows and problems (no database)
- `checks`: the rows checked against the campaign and the importer's scope, into records
- `services`: upload, check, confirmation and the bulk writes with history
"""

from .checks import Checked, campaign_check
from .columns import KINDS, template_workbook
from .reading import workbook_read

__all__ = ["KINDS", "Checked", "campaign_check", "template_workbook", "workbook_read"]
