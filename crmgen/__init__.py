"""crmgen: a plain-text CRM that builds a pipeline board and reports."""

__version__ = "0.1.0"
