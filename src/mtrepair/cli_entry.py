"""``python -m mtrepair.cli_entry``: the console script, runnable without the wrapper."""

from mtrepair.cli import main

if __name__ == "__main__":
    main()
