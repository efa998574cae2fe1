"""Date and number formats per language (FORMAT_MODULE_PATH). Norwegian uses Django's own ``nb`` formats."""
