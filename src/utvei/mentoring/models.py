"""Models of the mentor register, mentor assignments and restorative processes."""
