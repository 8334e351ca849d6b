"""The one exception type the analyst sees."""


class WorkbookError(Exception):
    """A user-facing failure: the message names the file, the row or key, and the fix.

    The CLI and the notebooks print it as one line, without a traceback.
    """
