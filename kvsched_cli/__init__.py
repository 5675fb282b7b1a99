"""The application layer: the ``kvsched`` command and ``kvsched verify``. It sits above\n``adversary``, ``bounds``, ``lp`` and ``kvsched`` and is imported by none of them."""
