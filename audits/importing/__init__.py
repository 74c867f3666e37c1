"""Excel imports of a district's audit engagements and their findings.

Built on the election import (`election.importing`), itself built on the community import: the
same refusals of a file before openpyxl opens it, the same streamed and bounded reading, the same
problems by row and column, and the same life of an import (checked in a task, confirmed,
imported in a task, all or nothing).

- `columns`: each kind's columns and the downloadable templates (with a 说明 sheet)
- `reading`: the data sheet read into valid rows and problems (no database)
- `checks`: the rows checked against the district and the importer's scope, into records
- `services`: upload, check, confirmation and the writes with history
"""
