"""Safe file handling shared by every writer and reader: nothing lost, nothing replaced.

Writing (:func:`atomic_write`): the output path is resolved first, and what it names decides
how it is written.

* a regular file, or a name that does not exist yet: the content goes to a temporary file in
  the same directory, is flushed to disk and renamed onto the file with :func:`os.replace`
  (atomic on POSIX and Windows), so a failed save leaves the old file exactly as it was;
* a symbolic link: the same, onto the file the link points to (the link stays a link);
* a character device or a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe): the content
  is built in a private temporary file and then copied into it, never replacing it;
* anything else (a directory, a socket, a block device) is refused with a clear error.

Reports (:func:`staged_directory`) are built in a hidden directory and moved into place
only when complete. A directory is only ever written into when it is new, empty, or an
earlier report that oneneuron marked as its own; a user's other files are never touched.

Reading (:func:`read_capped`, :func:`capped_stream`): every reader bounds what it reads and
what it inflates, so a hostile file (a gzip bomb, a huge header) fails with an error that
names the file instead of exhausting memory.

Errors always name the user's path, never the hidden temporary one.

The writes are :mod:`._atomic`'s, the report directories :mod:`._report_dir`'s, the capped
reads and the pickle check :mod:`._capped`'s; this module gathers them.
"""

from __future__ import annotations

from ._atomic import (
    atomic_write,
    atomic_write_bytes,
    check_output,
    interrupt_in,
    write_to_stream,
)
from ._capped import capped_stream, looks_like_pickle, read_capped
from ._report_dir import REPORT_MARKER, staged_directory

__all__ = [
    "REPORT_MARKER",
    "atomic_write",
    "atomic_write_bytes",
    "capped_stream",
    "check_output",
    "interrupt_in",
    "looks_like_pickle",
    "read_capped",
    "staged_directory",
    "write_to_stream",
]
