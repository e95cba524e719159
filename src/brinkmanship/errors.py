"""The one exception type for mistakes a user can make (bad file, bad flag, unknown name)."""


class UserError(Exception):
    """An error caused by user input.

    The CLI prints ``str(error)`` as one line on stderr and exits with code 2, without a traceback.
    The message must name *what* is wrong and *where* (file and field, flag, or name).
    """
