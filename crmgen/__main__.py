"""Run crmgen as ``python -m crmgen``."""

from crmgen.cli import run

if __name__ == "__main__":
    run()
