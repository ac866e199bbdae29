"""The exceptions semvec raises: one class per library ErrorCode, each also a subclass of the built-in
exception a Python user would catch for it (ValueError for bad input, OSError for I/O, ...)."""


class Error(Exception):
    """Base of every semvec error; `code` is the library's ErrorCode name (e.g. "invalid_data")."""

    code = "internal"


class InvalidArgumentError(Error, ValueError):
    """The caller's values are wrong (k > N, NaN in the input, a bad option)."""

    code = "invalid_argument"


class InvalidDataError(Error, ValueError):
    """A file or buffer is malformed (the message names the file and what is wrong)."""

    code = "invalid_data"


class NotFoundError(Error, LookupError):
    """A file, tensor, key or token that is not there."""

    code = "not_found"


class SemvecIOError(Error, OSError):
    """A read or write failed."""

    code = "io"


class UnsupportedError(Error, NotImplementedError):
    """A format, config value or component semvec does not implement (named in the message)."""

    code = "unsupported"


class ResourceLimitError(Error, ValueError):
    """A size bound was exceeded."""

    code = "resource_limit"


class CancelledError(Error):
    """A progress callback asked to stop."""

    code = "cancelled"


class CpuUnsupportedError(Error, RuntimeError):
    """This CPU lacks the SIMD level the extension was compiled for (rebuild with SEMVEC_SIMD=avx2 or scalar)."""

    code = "cpu_unsupported"


class InternalError(Error, RuntimeError):
    """A bug in semvec."""

    code = "internal"


_BY_CODE = {c.code: c for c in (InvalidArgumentError, InvalidDataError, NotFoundError, SemvecIOError,
                                 UnsupportedError, ResourceLimitError, CancelledError, CpuUnsupportedError,
                                 InternalError)}


def class_for_code(code):
    """The exception class of an ErrorCode name (used by the extension)."""
    return _BY_CODE.get(code, InternalError)
