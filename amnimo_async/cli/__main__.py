"""``python -m amnimo_async.cli``: the same as the ``amnimo`` command."""

from ._app import main

if __name__ == "__main__":
    main()
